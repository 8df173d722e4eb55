package com.mallquest.functions.submitreceipt;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.campaigns.CampaignChange;
import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.platform.identity.Caller;
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

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static com.mallquest.core.testing.ApiResponses.json;
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
        // WHEN one more distinct receipt is submitted
        // THEN it is credited at the counted cost (below)
        assertEquals(42, creditAtTheCountedCost(services -> { }));
    }

    @Test
    void credit_shouldCostNoMoreRoundTrips_whenACampaignWithABudgetAndACapApplies() {
        // GIVEN a running 2× campaign at zara with a total budget and a per-shopper cap (two counters in the credit)
        // WHEN one more distinct receipt is submitted
        // THEN it earns double at the same counted cost: the campaigns ride in the cache batch, the counters in the
        // one transaction
        assertEquals(84, creditAtTheCountedCost(services -> services.campaigns().put(
                new Caller("admin-1", Set.of(Caller.ADMIN_GROUP)), "double-zara", new CampaignChange("2× at Zara",
                        Campaign.Status.ACTIVE, new Campaign.Window(Instant.now().minus(1, ChronoUnit.DAYS), null, null, null, null),
                        new Campaign.Conditions(Set.of("zara"), null, null), new Campaign.Effect(new BigDecimal("2"), null, null, null),
                        null, null, new Campaign.Budget(1_000_000L, 10_000L, Campaign.CapPeriod.DAY, null), null))));
    }

    /** The coins of one more receipt of 42.50 at zara, after {@code setUp} and 3 receipts, asserting its round trips. */
    private long creditAtTheCountedCost(Consumer<Services> setUp) {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Platform real = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        StoreSeed.loadWithKeys(real);
        RecordingDynamoDb dynamo = new RecordingDynamoDb(real.dynamoDb());
        Services services = new Services(TestStack.withDynamoDb(real, dynamo.client()));
        setUp.accept(services);
        SubmitReceiptHandler handler = new SubmitReceiptHandler(services);
        Instant purchased = clock.instant().minus(1, ChronoUnit.HOURS);
        for (int i = 0; i < 3; i++) {
            assertEquals(201, submit(handler, "R-" + i, purchased).getStatusCode());
        }
        clock.advance(Duration.ofSeconds(2)); // a new second: the effect is not throttled by the earlier ones
        RedisRoundTrips trips = RedisRoundTrips.of(redis.server());
        dynamo.clear();

        APIGatewayV2HTTPResponse credited = submit(handler, "R-next", purchased);

        long redisTrips = trips.take();
        assertEquals(201, credited.getStatusCode(), credited.getBody());
        // the claim's read, the profile's read, the one transaction (credit record, profile, activity, claim, daily
        // limits, visit, campaign counters), the gamification record's read: 4 round trips (12 before transactions)
        assertEquals(Map.of("getItem", 3, "transactWriteItems", 1), dynamo.operationCounts(),
                "DynamoDB requests of one credit");
        // the rate limit with the store catalogue and the campaigns (one batch), the user view's delete, the 6
        // leaderboards (one batch), the coin_earned effect (throttle, then one batch), the request's fleet figures
        assertEquals(6, redisTrips, "Redis round trips of one credit");
        return json(credited).get("coinsEarned").asLong();
    }

    private static APIGatewayV2HTTPResponse submit(SubmitReceiptHandler handler, String receiptId, Instant purchased) {
        String body = "{\"code\":\"" + ReceiptCodes.code("zara", receiptId, "42.50", purchased) + "\"}";
        return handler.handleRequest(ApiEvents.request("POST", "/receipts").caller("alice").body(body).build(), null);
    }
}
