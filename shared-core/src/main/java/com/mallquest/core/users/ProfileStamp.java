package com.mallquest.core.users;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

import java.util.Map;
import java.util.Optional;

/**
 * What a cached user view is checked against: the profile's {@code version} (raised by every ledger credit
 * or adjustment) and whether a credit is half-way applied ({@code inFlight} non-empty: the profile already
 * counts it, its activity record may not exist yet). Read with one strongly consistent {@code GetItem}
 * projecting just those two attributes of the ledger's profile item ({@code pk=USER#<id>, sk=PROFILE}).
 *
 * @param version  the profile's version
 * @param settled  true when no credit is in flight: a view built now is complete for this version
 */
record ProfileStamp(long version, boolean settled) {

    /** The stamp of {@code userId}'s profile; empty when the ledger has no profile for the user. */
    static Optional<ProfileStamp> read(DynamoDbClient dynamo, String usersTable, String userId) {
        GetItemResponse response = dynamo.getItem(b -> b
                .tableName(usersTable)
                .key(Map.of("pk", AttributeValue.fromS("USER#" + userId), "sk", AttributeValue.fromS("PROFILE")))
                .projectionExpression("#v, #f")
                .expressionAttributeNames(Map.of("#v", "version", "#f", "inFlight"))
                .consistentRead(true));
        if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        AttributeValue version = item.get("version");
        AttributeValue inFlight = item.get("inFlight");
        boolean settled = inFlight == null || !inFlight.hasSs() || inFlight.ss().isEmpty();
        return Optional.of(new ProfileStamp(version == null ? 0 : Long.parseLong(version.n()), settled));
    }
}
