package com.mallquest.functions.cleanup;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.domain.effects.Effect;
import com.mallquest.core.domain.effects.EffectTarget;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.domain.effects.TriggerEffectRequest;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.domain.receipts.ReceiptRequest;
import com.mallquest.core.domain.receipts.ReceiptReviews;
import com.mallquest.core.domain.receipts.ReceiptService;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.core.testing.StoreSeed;
import com.mallquest.core.testing.TestCores;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The cleanup function end to end on moto_server and Redis: the sample scheduled event of {@code events/}, a
 * receipt credit left pending by a crashed request, and expired effects.
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
        Platform core = TestCores.withClock(Platform.fromEnvironment(redis.environment()), clock);
        StoreSeed.loadWithKeys(core);
        // AND an unsigned receipt of a review store, approved by a process that died right after moving its claim to
        // PENDING (its one successful write: the count was made at submission), before the credit's transaction
        EffectsService effects = new EffectsService(core.cache(), clock, core.settings());
        new Services(core, effects).receipts().submit("shopper-1", ReceiptRequest.unsigned(
                new ReceiptSubmission("R-crash-1", "waterstones", new BigDecimal("40.00"), clock.instant().minusSeconds(3600))));
        Platform dying = TestCores.withDynamoDb(core, dyingAfterWrites(core.dynamoDb(), 1));
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
}
