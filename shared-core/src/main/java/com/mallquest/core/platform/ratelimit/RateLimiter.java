package com.mallquest.core.platform.ratelimit;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.errors.DomainException;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Fixed-window rate limiting over {@link Cache#increment}: one counter per user, action and window
 * ({@code mq:rl:<action>:{u:<userId>}:<window number>}), created with the window's length as TTL. The
 * counter is shared by every container through Redis; while the cache falls back to memory it is per
 * container (looser, never stricter).
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(core.cache(), core.clock());
 * limiter.acquire(userId, "receipts", settings.receiptRateLimit()).throwIfRefused();  // rate_limited + retryAfter
 * }</pre>
 */
public final class RateLimiter {
    private final Cache cache;
    private final Clock clock;

    public RateLimiter(Cache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    /** Counts one action of {@code userId} against {@code limit} and says whether it is allowed. */
    public Decision acquire(String userId, String action, RateLimit limit) {
        long now = clock.millis();
        long count = cache.increment(key(userId, action, limit, now), 1, limit.window());
        return decide(count, action, limit, now);
    }

    /**
     * {@link #acquire}, with the count sent among the other operations of {@code batch} (the counter carries the
     * user's hash tag, so it rides in the same round trip as the user's other keys): the decision can be read once
     * the batch has run.
     */
    public Supplier<Decision> acquire(CacheBatch batch, String userId, String action, RateLimit limit) {
        long now = clock.millis();
        CacheBatch.Result<Long> count = batch.increment(key(userId, action, limit, now), 1, limit.window());
        return () -> decide(count.get(), action, limit, now);
    }

    private static String key(String userId, String action, RateLimit limit, long now) {
        long window = Math.floorDiv(now, limit.window().toMillis());
        return CacheKeys.forUser("rl:" + action, userId, Long.toString(window));
    }

    private static Decision decide(long count, String action, RateLimit limit, long now) {
        long windowMillis = limit.window().toMillis();
        long window = Math.floorDiv(now, windowMillis);
        long windowEndsIn = (window + 1) * windowMillis - now;
        long retryAfter = Math.max(1, Duration.ofMillis(windowEndsIn).plusMillis(999).toSeconds());
        boolean allowed = count <= limit.permits();
        return new Decision(allowed, Math.max(0, limit.permits() - count), allowed ? 0 : retryAfter, action);
    }

    /**
     * The outcome of one {@link #acquire}.
     *
     * @param allowed           whether the action may go ahead
     * @param remaining         permits left in this window
     * @param retryAfterSeconds when refused: whole seconds until the next window (at least 1); 0 when allowed
     * @param action            what was limited, for the error message
     */
    public record Decision(boolean allowed, long remaining, long retryAfterSeconds, String action) {

        /** Throws {@code rate_limited} (a {@link DomainException} of kind {@code TOO_MANY}) with its retry time when refused. */
        public void throwIfRefused() {
            if (!allowed) {
                throw DomainException.tooMany("rate_limited",
                        "Too many " + action + " requests; retry in " + retryAfterSeconds + " s",
                        Duration.ofSeconds(retryAfterSeconds));
            }
        }
    }
}
