package com.mallquest.core.domain.receipts;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.ratelimit.RateLimit;
import com.mallquest.core.platform.ratelimit.RateLimiter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code RECEIPT_RATE_LIMIT} per user, fleet-wide in every state of the cache.
 *
 * <p>Normally the window's counter lives in Redis ({@link RateLimiter}), shared by every container. When the cache
 * is not Redis (Redis unreachable, so the {@code FallbackCache} serves from per-container memory; or no Redis
 * configured) a memory counter would let each container grant the full limit, multiplying it by the number of
 * containers. Then the window is counted durably instead: one atomic {@code ADD} on the item
 * {@code RATE#<userId>#<window>} of the Receipts table ({@link ReceiptItems}), which expires after its window.
 * Refusing every receipt during a Redis outage would turn a cache outage into a receipts outage; the durable count
 * keeps the limit exact at the price of one small write per submission while Redis is away.
 */
final class ReceiptRateLimit {

    private final RateLimiter limiter;
    private final Cache cache;
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final RateLimit limit;

    ReceiptRateLimit(RateLimiter limiter, Cache cache, DynamoDbClient dynamo, String receiptsTable, Clock clock, RateLimit limit) {
        this.limiter = limiter;
        this.cache = cache;
        this.dynamo = dynamo;
        this.table = receiptsTable;
        this.clock = clock;
        this.limit = limit;
    }

    /**
     * Counts one submission of {@code userId}.
     *
     * @throws DomainException 429 {@code rate_limited} with {@code retryAfter} when over the limit
     */
    void acquireOrRefuse(String userId) {
        refuseIfNotAllowed(acquire(userId));
    }

    private static void refuseIfNotAllowed(RateLimiter.Decision decision) {
        if (!decision.allowed()) {
            throw DomainException.tooMany("rate_limited", "Too many receipts; retry in " + decision.retryAfterSeconds() + " s",
                    Duration.ofSeconds(decision.retryAfterSeconds()));
        }
    }

    /** Counts one submission of {@code userId} and says whether it may go ahead. */
    RateLimiter.Decision acquire(String userId) {
        return decide(limiter.acquire(userId, ReceiptService.RATE_LIMIT_ACTION, limit), userId);
    }

    /**
     * {@link #acquireOrRefuse}, with the shared count sent among the other operations of {@code batch}: run the
     * returned check once the batch has run (it counts durably then if the batch found the cache not on Redis).
     */
    Runnable acquireOrRefuse(CacheBatch batch, String userId) {
        Supplier<RateLimiter.Decision> shared = limiter.acquire(batch, userId, ReceiptService.RATE_LIMIT_ACTION, limit);
        return () -> refuseIfNotAllowed(decide(shared.get(), userId));
    }

    /** The shared decision while the cache is Redis; the durable count otherwise. */
    private RateLimiter.Decision decide(RateLimiter.Decision shared, String userId) {
        if (cache.mode() == Cache.Mode.REDIS) {
            return shared;
        }
        return acquireDurably(userId);
    }

    private RateLimiter.Decision acquireDurably(String userId) {
        long windowMillis = limit.window().toMillis();
        long now = clock.millis();
        long window = Math.floorDiv(now, windowMillis);
        long expiresAt = ((window + 1) * windowMillis) / 1000 + 1;
        var response = dynamo.updateItem(UpdateItemRequest.builder().tableName(table)
                .key(ReceiptItems.rateKey(userId, window))
                .updateExpression("ADD #count :one SET #expires = if_not_exists(#expires, :expires)")
                .expressionAttributeNames(Map.of("#count", ReceiptItems.COUNT, "#expires", ReceiptItems.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":one", ReceiptItems.n(1), ":expires", ReceiptItems.n(expiresAt)))
                .returnValues(ReturnValue.UPDATED_NEW)
                .build());
        long count = Long.parseLong(response.attributes().get(ReceiptItems.COUNT).n());
        long windowEndsIn = (window + 1) * windowMillis - now;
        long retryAfter = Math.max(1, Duration.ofMillis(windowEndsIn).plusMillis(999).toSeconds());
        boolean allowed = count <= limit.permits();
        return new RateLimiter.Decision(allowed, Math.max(0, limit.permits() - count), allowed ? 0 : retryAfter,
                ReceiptService.RATE_LIMIT_ACTION);
    }
}
