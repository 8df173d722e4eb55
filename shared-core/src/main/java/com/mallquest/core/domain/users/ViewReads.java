package com.mallquest.core.domain.users;

import com.mallquest.core.domain.gamification.Gamification;
import com.mallquest.core.domain.ledger.UserItems;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one read every user view starts with: the ledger profile's {@link ProfileStamp} and the shopper's
 * gamification record (badges, visit weeks), in one strongly consistent {@code BatchGetItem} of two small
 * projected items, so a cached view still costs one round trip and its gamification part is never stale.
 *
 * @param stamp        empty when the ledger has no profile for the user
 * @param gamification badge count, newest badge, streak (as of {@code now})
 */
record ViewReads(Optional<ProfileStamp> stamp, Gamification.Summary gamification) {

    private static final int ATTEMPTS = 5;

    static ViewReads read(DynamoDbClient dynamo, String usersTable, String userId, Instant now) {
        Map<String, String> names = new HashMap<>(ProfileStamp.ATTRIBUTES);
        names.putAll(Gamification.summaryAttributes());
        names.put("#sk", UserItems.SK);
        String projection = String.join(", ", names.keySet());
        Map<String, KeysAndAttributes> request = Map.of(usersTable, KeysAndAttributes.builder()
                .keys(List.of(UserItems.profileKey(userId), UserItems.gamificationKey(userId)))
                .projectionExpression(projection)
                .expressionAttributeNames(names)
                .consistentRead(true)
                .build());
        Map<String, AttributeValue> profile = null;
        Map<String, AttributeValue> game = null;
        for (int attempt = 0; !request.isEmpty(); attempt++) {
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("DynamoDB left the user view's keys unprocessed " + ATTEMPTS + " times");
            }
            Map<String, KeysAndAttributes> current = request;
            BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(current).build());
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(usersTable, List.of())) {
                if (UserItems.gamificationKey(userId).get(UserItems.SK).equals(item.get(UserItems.SK))) {
                    game = item;
                } else {
                    profile = item;
                }
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return new ViewReads(Optional.ofNullable(profile).map(ProfileStamp::of),
                Gamification.summaryOf(userId, game, now));
    }
}
