package com.mallquest.core.domain.users;

import com.mallquest.core.domain.ledger.UserItems;
import com.mallquest.core.platform.dynamo.Attributes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * What a cached user view is checked against: the profile's {@code version}, raised by every ledger credit or
 * adjustment in the same transaction as its activity entry, so a view built at a version is complete for it. Read
 * ({@link ViewReads}) with one strongly consistent {@code BatchGetItem} projecting just that attribute of the
 * ledger's profile item ({@link UserItems#profileKey}) and the shopper's small gamification record.
 *
 * @param version  the profile's version
 */
record ProfileStamp(long version) {

    /** The stamp of a profile item read elsewhere (projecting at least {@link #ATTRIBUTES}). */
    static ProfileStamp of(Map<String, AttributeValue> item) {
        return new ProfileStamp(Attributes.number(item, UserItems.VERSION));
    }

    /** Placeholder → attribute name of what a stamp needs. */
    static final Map<String, String> ATTRIBUTES = Map.of("#v", UserItems.VERSION);
}
