package com.mallquest.core.platform.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.FallbackCache;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.cache.RedisCache;
import com.mallquest.core.platform.cache.RedisOptions;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.DomainErrors;
import com.mallquest.local.testsupport.RedisServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    /** 12:00:00 UTC, the start of a 60 s window. */
    private static final Instant WINDOW_START = Instant.parse("2026-03-01T12:00:00Z");
    private static final RateLimit THREE_PER_MINUTE = new RateLimit(3, Duration.ofSeconds(60));

    private final Cache cache = new MemoryCache();

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    void acquire_shouldAllowExactlyTheLimit_andRefuseTheNextWithRetryAfter() {
        // GIVEN a limit of 3 per minute, 15.5 s into a window
        RateLimiter limiter = new RateLimiter(cache, at(WINDOW_START.plusMillis(15_500)));
        // WHEN 3 actions are taken THEN all are allowed, counting down
        assertEquals(2, limiter.acquire("alice", "receipts", THREE_PER_MINUTE).remaining());
        assertEquals(1, limiter.acquire("alice", "receipts", THREE_PER_MINUTE).remaining());
        RateLimiter.Decision third = limiter.acquire("alice", "receipts", THREE_PER_MINUTE);
        assertTrue(third.allowed());
        assertEquals(0, third.remaining());
        third.throwIfRefused(); // does not throw
        // WHEN a 4th is taken THEN it is refused until the window ends in 44.5 s, rounded up to 45
        RateLimiter.Decision fourth = limiter.acquire("alice", "receipts", THREE_PER_MINUTE);
        assertFalse(fourth.allowed());
        assertEquals(45, fourth.retryAfterSeconds());
        DomainException error = assertThrows(DomainException.class, fourth::throwIfRefused);
        assertEquals(429, DomainErrors.status(error.kind()));
        assertEquals("45", DomainErrors.response(error).headers().get("Retry-After"));
    }

    @Test
    void acquire_shouldAllowAgain_inTheNextWindow() {
        // GIVEN the limit used up at the very end of a window
        Instant lastMoment = WINDOW_START.plusMillis(59_500);
        RateLimiter late = new RateLimiter(cache, at(lastMoment));
        for (int i = 0; i < 3; i++) {
            assertTrue(late.acquire("alice", "receipts", THREE_PER_MINUTE).allowed());
        }
        RateLimiter.Decision refused = late.acquire("alice", "receipts", THREE_PER_MINUTE);
        assertFalse(refused.allowed());
        assertEquals(1, refused.retryAfterSeconds()); // 0.5 s rounds up, never 0
        // WHEN the next window starts THEN actions are allowed again
        RateLimiter next = new RateLimiter(cache, at(WINDOW_START.plusSeconds(60)));
        assertTrue(next.acquire("alice", "receipts", THREE_PER_MINUTE).allowed());
    }

    @Test
    void acquire_shouldCountEachUserAndActionSeparately() {
        RateLimiter limiter = new RateLimiter(cache, at(WINDOW_START));
        RateLimit one = new RateLimit(1, Duration.ofSeconds(60));
        assertTrue(limiter.acquire("alice", "receipts", one).allowed());
        assertFalse(limiter.acquire("alice", "receipts", one).allowed());
        assertTrue(limiter.acquire("bob", "receipts", one).allowed());
        assertTrue(limiter.acquire("alice", "user-read", one).allowed());
    }

    @Test
    void acquire_shouldShareTheCountAcrossContainers_throughRedis() {
        // GIVEN two containers, each with its own cache object over the same Redis
        RedisOptions options = new RedisOptions(RedisServer.shared().uri(), false, Duration.ofSeconds(2), null);
        try (RedisCache redisA = RedisCache.create(options); RedisCache redisB = RedisCache.create(options)) {
            Clock clock = at(WINDOW_START.plusSeconds(1));
            RateLimiter a = new RateLimiter(new FallbackCache(redisA, new MemoryCache(), Duration.ofMinutes(1)), clock);
            RateLimiter b = new RateLimiter(new FallbackCache(redisB, new MemoryCache(), Duration.ofMinutes(1)), clock);
            String user = "u-" + UUID.randomUUID();
            // WHEN the user acts 3 times, through either container
            assertTrue(a.acquire(user, "receipts", THREE_PER_MINUTE).allowed());
            assertTrue(b.acquire(user, "receipts", THREE_PER_MINUTE).allowed());
            assertTrue(a.acquire(user, "receipts", THREE_PER_MINUTE).allowed());
            // THEN the 4th is refused by the other container too
            assertFalse(b.acquire(user, "receipts", THREE_PER_MINUTE).allowed());
        }
    }
}
