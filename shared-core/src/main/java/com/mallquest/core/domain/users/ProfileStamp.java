package com.mallquest.core.domain.users;

import com.mallquest.core.domain.ledger.UserItems;
import com.mallquest.core.platform.dynamo.Attributes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

/**
 * What a cached user view is checked against: the profile's {@code version} (raised by every ledger credit
 * or adjustment) and whether a credit is half-way applied ({@code inFlight} non-empty: the profile already
 * counts it, its activity record may not exist yet). Read ({@link ViewReads}) with one strongly consistent
 * {@code BatchGetItem} projecting just those two attributes of the ledger's profile item
 * ({@link UserItems#profileKey}) and the shopper's small gamification record.
 *
 * @param version  the profile's version
 * @param settled  true when no credit is in flight: a view built now is complete for this version
 */
record ProfileStamp(long version, boolean settled) {

    /** The stamp of a profile item read elsewhere (projecting at least {@link #ATTRIBUTES}). */
    static ProfileStamp of(Map<String, AttributeValue> item) {
        return new ProfileStamp(Attributes.number(item, UserItems.VERSION), Attributes.setEmpty(item, UserItems.IN_FLIGHT));
    }

    /** Placeholder → attribute name of what a stamp needs. */
    static final Map<String, String> ATTRIBUTES = Map.of("#v", UserItems.VERSION, "#f", UserItems.IN_FLIGHT);
}
