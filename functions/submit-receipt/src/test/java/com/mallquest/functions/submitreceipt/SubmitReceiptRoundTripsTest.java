package com.mallquest.functions.submitreceipt;

import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.testing.RecordingDynamoDb;
import com.mallquest.core.testing.StoreSeed;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisRoundTrips;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one credited {@code POST /receipts} costs in round trips, counted where they land: the DynamoDB requests
 * the handler's client sends (by operation) and the replies the real redis-server writes ({@link RedisRoundTrips}).
 * Not timed: a change that adds a write or a Redis round trip to the credit path fails here.
 */
class SubmitReceiptRoundTripsTest {

    @RegisterExtension
    final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    @Test
    void credit_shouldCostItsCountedWrites_andRedisRoundTrips() {
        // GIVEN the production handler (effects through the cache) and a shopper with a few receipts credited
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Platform real = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        StoreSeed.loadWithKeys(real);
        RecordingDynamoDb dynamo = new RecordingDynamoDb(real.dynamoDb());
        SubmitReceiptHandler handler = new SubmitReceiptHandler(new Services(TestStack.withDynamoDb(real, dynamo.client())));
        Instant purchased = clock.instant().minus(1, ChronoUnit.HOURS);
        for (int i = 0; i < 3; i++) {
            assertEquals(201, submit(handler, "R-" + i, purchased).getStatusCode());
        }
        clock.advance(Duration.ofSeconds(2)); // a new second: the effect is not throttled by the earlier ones
        RedisRoundTrips trips = RedisRoundTrips.of(redis.server());
        dynamo.clear();

        // WHEN one more distinct receipt is submitted
        APIGatewayV2HTTPResponse credited = submit(handler, "R-next", purchased);

        // THEN it is credited at the counted cost
        long redisTrips = trips.take();
        assertEquals(201, credited.getStatusCode(), credited.getBody());
        // the claim's read, the profile's read, the one transaction (credit record, profile, activity, claim, daily
        // limits, visit), the gamification record's read: 4 round trips (12 before transactions)
        assertEquals(Map.of("getItem", 3, "transactWriteItems", 1), dynamo.operationCounts(),
                "DynamoDB requests of one credit");
        // the rate limit with the store catalogue (one batch), the user view's delete, the 6 leaderboards (one batch),
        // the coin_earned effect (throttle, then one batch), the request's fleet figures with its 2 business counters
        assertEquals(6, redisTrips, "Redis round trips of one credit");
    }

    private static APIGatewayV2HTTPResponse submit(SubmitReceiptHandler handler, String receiptId, Instant purchased) {
        String body = "{\"code\":\"" + ReceiptCodes.code("zara", receiptId, "42.50", purchased) + "\"}";
        return handler.handleRequest(ApiEvents.request("POST", "/receipts").caller("alice").body(body).build(), null);
    }
}
