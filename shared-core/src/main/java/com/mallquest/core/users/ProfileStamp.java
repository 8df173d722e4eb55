package com.mallquest.core.users;

import com.mallquest.core.ledger.UsersTable;
import com.mallquest.core.store.Attributes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.util.Map;
import java.util.Optional;

/**
 * What a cached user view is checked against: the profile's {@code version} (raised by every ledger credit
 * or adjustment) and whether a credit is half-way applied ({@code inFlight} non-empty: the profile already
 * counts it, its activity record may not exist yet). Read with one strongly consistent {@code GetItem}
 * projecting just those two attributes of the ledger's profile item ({@link UsersTable#profileKey}).
 *
 * @param version  the profile's version
 * @param settled  true when no credit is in flight: a view built now is complete for this version
 */
record ProfileStamp(long version, boolean settled) {

    /** The stamp of {@code userId}'s profile; empty when the ledger has no profile for the user. */
    static Optional<ProfileStamp> read(DynamoDbClient dynamo, String usersTable, String userId) {
        GetItemResponse response = dynamo.getItem(b -> b
                .tableName(usersTable)
                .key(UsersTable.profileKey(userId))
                .projectionExpression("#v, #f")
                .expressionAttributeNames(Map.of("#v", UsersTable.VERSION, "#f", UsersTable.IN_FLIGHT))
                .consistentRead(true));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        return Optional.of(new ProfileStamp(Attributes.number(item, UsersTable.VERSION),
                Attributes.setEmpty(item, UsersTable.IN_FLIGHT)));
    }
}
