package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mallquest.core.platform.config.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis that accepts connections but never answers (a hung server, a black-holed network) must cost a
 * call no more than the configured timeout budget, never Jedis's 2 s default.
 */
class RedisTimeoutTest {
    private static final int TIMEOUT_MS = 200;
    /** Connect + one read, plus slack for a busy machine; far below Jedis's default 2000 ms. */
    private static final long BUDGET_MS = 5L * TIMEOUT_MS;

    /** Completes TCP handshakes (the kernel's backlog) but never reads or answers. */
    private ServerSocket silent;

    @BeforeEach
    void openSilentServer() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeSilentServer() throws IOException {
        silent.close();
    }

    private URI silentUri() {
        return URI.create("redis://127.0.0.1:" + silent.getLocalPort());
    }

    private static long millisOf(Runnable call) {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void redisCall_shouldFailWithinTheTimeoutBudget_whenTheServerNeverAnswers() {
        // GIVEN a Redis adapter with a 200 ms timeout on a server that never answers
        try (RedisCache redis = RedisCache.create(new RedisOptions(silentUri(), false, Duration.ofMillis(TIMEOUT_MS), null))) {
            // WHEN a call is made THEN it fails, within the budget
            long elapsed = millisOf(() -> assertThrows(JedisException.class, () -> redis.get("mq:t:{x}:k")));
            assertTrue(elapsed < BUDGET_MS, "took " + elapsed + " ms");
        }
    }

    @Test
    void clusterCall_shouldFailWithinTheTimeoutBudget_whenTheSeedNeverAnswers() {
        try (RedisCache redis = RedisCache.create(new RedisOptions(silentUri(), true, Duration.ofMillis(TIMEOUT_MS), null))) {
            long elapsed = millisOf(() -> assertThrows(JedisException.class, () -> redis.get("mq:t:{x}:k")));
            assertTrue(elapsed < BUDGET_MS, "took " + elapsed + " ms");
        }
    }

    @Test
    void cacheFromSettings_shouldAnswerFromMemoryWithinTheBudget_andThenWithoutWaitingOnRedis() {
        // GIVEN the container's cache built from settings pointing at the silent server
        Cache cache = Caches.create(Settings.fromEnvironment(Map.of(
                "USERS_TABLE", "u", "RECEIPTS_TABLE", "r", "STORES_TABLE", "s",
                "REDIS_URL", silentUri().toString(),
                "REDIS_TIMEOUT_MS", Integer.toString(TIMEOUT_MS),
                "REDIS_RETRY_INTERVAL_MS", "60000")));
        assertInstanceOf(FallbackCache.class, cache);

        // WHEN the first call is made THEN it returns (no exception) within the budget, from memory
        long first = millisOf(() -> assertEquals(Optional.empty(), cache.get("mq:t:{x}:k")));
        assertTrue(first < BUDGET_MS, "first call took " + first + " ms");
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());

        // AND the next calls, inside the retry interval, do not wait on Redis at all
        long next = millisOf(() -> {
            cache.set("mq:t:{x}:k", "v", Duration.ofMinutes(1));
            assertEquals(Optional.of("v"), cache.get("mq:t:{x}:k"));
        });
        assertTrue(next < TIMEOUT_MS, "calls during the fallback took " + next + " ms");
    }
}
