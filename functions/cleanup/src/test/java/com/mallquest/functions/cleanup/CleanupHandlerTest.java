package com.mallquest.functions.cleanup;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.domain.effects.Effect;
import com.mallquest.core.domain.effects.EffectTarget;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.domain.effects.TriggerEffectRequest;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.gamification.Period;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.domain.receipts.ReceiptRequest;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.core.testing.StoreSeed;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The cleanup function end to end on moto_server and Redis: the sample scheduled event of {@code events/}, a
 * receipt credit left pending by a crashed request, and expired effects; the leaderboard totals' backfill and rebuild.
 */
class CleanupHandlerTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    /** Thrown by {@link #dyingAfterWrites} after its writes: the process "crashed". */
    static final class Crash extends RuntimeException { }

    /** A DynamoDB client whose process dies right after {@code writes} successful writes. */
    static DynamoDbClient dyingAfterWrites(DynamoDbClient real, int writes) {
        AtomicInteger done = new AtomicInteger();
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    boolean write = method.getName().matches("putItem|updateItem|deleteItem|batchWriteItem|transactWriteItems");
                    if (write && done.get() >= writes) {
                        throw new Crash();
                    }
                    try {
                        Object result = method.invoke(real, args);
                        if (write) {
                            done.incrementAndGet();
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void scheduledEvent_shouldCompleteAPendingCredit_andRemoveExpiredEffects() throws Exception {
        // GIVEN a container on moto_server + Redis with the store seed
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        Platform core = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        StoreSeed.loadWithKeys(core);
        // AND an unsigned receipt of a review store, approved by a process that died right after moving its claim to
        // PENDING (its one successful write: the count was made at submission), before the credit's transaction
        EffectsService effects = new EffectsService(core.cache(), clock, core.settings());
        new Services(core, effects).receipts().submit("shopper-1", ReceiptRequest.unsigned(
                new ReceiptSubmission("R-crash-1", "waterstones", new BigDecimal("40.00"), clock.instant().minusSeconds(3600))));
        Platform dying = TestStack.withDynamoDb(core, dyingAfterWrites(core.dynamoDb(), 1));
        assertThrows(Crash.class, () -> new Services(dying, effects).reviews()
                .approve(new Caller("admin-1", Set.of("admin")), "waterstones", "R-crash-1"));
        assertEquals(0, new Services(core).ledger().account("shopper-1").coins());
        // AND a user with an effect that expires in 3 s
        effects.trigger(new Caller("viewer-1", Set.of()), new TriggerEffectRequest("coin_earned", 3, null, null, null));
        // WHEN, past the credit's grace period, the sample scheduled event arrives
        clock.advance(Duration.ofMinutes(3));
        Map<String, Object> event = SampleEvents.asMap("CleanupFunction");
        Map<String, Object> summary = new CleanupHandler(new Services(core)).handleRequest(event, null);
        // THEN the pending credit is completed (coins on the account, a coin effect published) ...
        assertEquals(1, ((Number) summary.get("pendingCreditsCompleted")).intValue(), summary.toString());
        long coins = new Services(core).ledger().account("shopper-1").coins();
        assertEquals(true, coins > 0, "credited coins: " + coins);
        List<Effect> shopperEffects = effects.activeEffects(EffectTarget.user("shopper-1"));
        assertEquals("coin_earned", shopperEffects.get(0).type());
        // ... and the expired effect is removed, and the summary says nothing is left
        assertEquals(1L, ((Number) summary.get("expiredEffectsRemoved")).longValue(), summary.toString());
        assertEquals(0, ((Number) summary.get("failedSteps")).intValue());
        assertEquals(false, summary.get("moreWork"));
        assertEquals(Cache.Mode.REDIS, core.cache().mode());
        // AND running it again changes nothing
        Map<String, Object> again = new CleanupHandler(new Services(core)).handleRequest(event, null);
        assertEquals(0, ((Number) again.get("pendingCreditsCompleted")).intValue());
        assertEquals(coins, new Services(core).ledger().account("shopper-1").coins());
    }

    @Test
    void backfillThenRebuild_shouldPutACreditMadeBeforeTheTotalsOnTheBoards() {
        // GIVEN a receipt credited by the release before the period totals (a ledger without them)
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        Platform core = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        String shopper = "shopper-" + UUID.randomUUID().toString().substring(0, 8);
        new Ledger(core.dynamoDb(), core.settings().usersTable(), core.cache(), clock).credit(
                new Credit(shopper, "receipt:zara:R-old", 30, 30, CreditKind.RECEIPT, Map.of("storeId", "zara")));
        CleanupHandler handler = new CleanupHandler(new Services(core));
        // WHEN the backfill command runs, then the rebuild of the all-time boards
        Map<String, Object> backfill = handler.handleRequest(Map.of("backfillLeaderboardTotals", Map.of()), null);
        Map<String, Object> rebuild = handler.handleRequest(Map.of("rebuildLeaderboards", Map.of("period", "all")), null);
        // THEN both answer complete, and the shopper is on the all-time board with the receipt's XP
        assertEquals(true, backfill.get("complete"), backfill.toString());
        assertEquals(true, rebuild.get("complete"), rebuild.toString());
        assertEquals(30, new Services(core).gamification().leaderboards().standing(shopper, Period.ALL, null, null).score());
    }
}
