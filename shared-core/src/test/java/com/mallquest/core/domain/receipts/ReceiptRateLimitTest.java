package com.mallquest.core.domain.receipts;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.Caches;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.testing.TestStack;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receipt rate limit is fleet-wide in every state of the cache: in Redis while Redis answers, counted in
 * DynamoDB while a container's cache is memory (no Redis, or the fallback during an outage).
 */
class ReceiptRateLimitTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:10Z");

    private static ReceiptRequest zara(String id) {
        return ReceiptRequest.signed(ReceiptCodes.code("zara", id, "1.00", NOW.minusSeconds(60)));
    }

    @Test
    void limit_shouldHoldAcrossContainers_whenEachCacheIsMemory() {
        // GIVEN two containers whose caches are per-container memory (Redis unreachable or absent), 3 per minute
        TestStack stack = TestStack.seeded("receipts", NOW, Map.of("RECEIPT_RATE_LIMIT", "3/60s"));
        ReceiptService a = new Services(stack.core(stack.dynamo, new MemoryCache()), (u, t, d) -> { }).receipts();
        ReceiptService b = new Services(stack.core(stack.dynamo, new MemoryCache()), (u, t, d) -> { }).receipts();
        // WHEN the user sends two receipts through one and one through the other
        a.submit("u1", zara("Z-1"));
        a.submit("u1", zara("Z-2"));
        b.submit("u1", zara("Z-3"));
        // THEN the fourth is refused in either container: the count is shared, not multiplied by containers
        DomainException e = assertThrows(DomainException.class, () -> b.submit("u1", zara("Z-4")));
        assertEquals("rate_limited", e.code());
        assertEquals(50, e.retryAfter().toSeconds());
        assertEquals("rate_limited", assertThrows(DomainException.class, () -> a.submit("u1", zara("Z-5"))).code());
        assertTrue(new Services(stack.core(stack.dynamo, new MemoryCache())).receiptClaims().find("zara", "Z-4").isEmpty());
    }

    @Test
    void limit_shouldBeCountedInRedis_andNotInDynamoDb_whileRedisAnswers() {
        // GIVEN two containers sharing a real Redis, 3 per minute
        Map<String, String> settings = new HashMap<>(TestStack.sharedRedis());
        settings.put("RECEIPT_RATE_LIMIT", "3/60s");
        TestStack stack = TestStack.seeded("receipts", NOW, settings);
        Cache redisA = stack.cache;
        Cache redisB = Caches.create(stack.core().settings());
        ReceiptService a = new Services(stack.core(stack.dynamo, redisA), (u, t, d) -> { }).receipts();
        ReceiptService b = new Services(stack.core(stack.dynamo, redisB), (u, t, d) -> { }).receipts();
        String user = "u-" + System.nanoTime();
        a.submit(user, zara("R-1" + user.hashCode()));
        b.submit(user, zara("R-2" + user.hashCode()));
        assertFalse(b.submit(user, zara("R-3" + user.hashCode())).replayed());
        assertEquals(Cache.Mode.REDIS, redisA.mode());
        assertEquals("rate_limited", assertThrows(DomainException.class, () -> a.submit(user, zara("R-4" + user.hashCode()))).code());
        // AND no window item was written to the Receipts table
        long rateItems = stack.dynamo.scan(s -> s.tableName(stack.core().settings().receiptsTable())).items().stream()
                .filter(i -> i.get("pk").s().startsWith("RATE#")).count();
        assertEquals(0, rateItems);
    }
}
