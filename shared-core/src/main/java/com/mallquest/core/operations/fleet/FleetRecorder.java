package com.mallquest.core.operations.fleet;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheStats;
import com.mallquest.logging.Log;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Adds this container's requests and business facts to the fleet-wide counters in the shared cache, so every
 * Lambda container adds to the same numbers and {@code GET /metrics} ({@link FleetReader}) reports the whole
 * fleet. This is the per-request hot path: {@link #record} is one cache call (one round trip on Redis) into
 * the current bucket ({@link FleetBuckets} has the layout), the request's business figures included.
 *
 * <p>While the cache serves from memory (no Redis configured, or Redis unreachable and the fallback serving),
 * the same counters land in this container's memory; the reader says so with the scope {@code instance}.
 *
 * <pre>{@code
 * FleetRecorder fleet = new FleetRecorder(core.cache(), core.clock());
 * fleet.record("POST /receipts", 201, 38.5, cacheDelta);
 * fleet.business(FleetRecorder.RECEIPTS_CREDITED, 1);
 * }</pre>
 *
 * <p>Inside a request ({@link #beginRequest} … {@link #record}, as {@code ApiHandler} brackets every invocation),
 * business figures wait for the request's end and go into the bucket with its figures, in the same round trip;
 * outside one, {@link #business} writes at once.
 *
 * <p>Recording never throws for a cache failure: the failed increment is logged and dropped.
 */
public final class FleetRecorder {
    private static final Log LOG = Log.of(FleetRecorder.class);

    /** Business counter: receipts credited (first credits, not replays). */
    public static final String RECEIPTS_CREDITED = "ReceiptsCredited";
    /** Business counter: coins awarded by receipt credits. */
    public static final String COINS_AWARDED = "CoinsAwarded";
    /** Business counter: effects triggered. */
    public static final String EFFECTS_TRIGGERED = "EffectsTriggered";

    private static final Pattern BUSINESS_NAME = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");

    private final Cache cache;
    private final Clock clock;
    /** The business figures of the request this thread is answering, until {@link #record} adds them. */
    private final ThreadLocal<Map<String, Long>> requestBusiness = new ThreadLocal<>();

    public FleetRecorder(Cache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    private String currentBucketKey() {
        return FleetBuckets.key(FleetBuckets.bucketStartSeconds(clock.millis()));
    }

    /** Starts a request: {@link #business} figures wait for its {@link #record} (or go with {@link #endRequest}). */
    public void beginRequest() {
        requestBusiness.set(new HashMap<>(4));
    }

    /** Ends a request that is not recorded (SnapStart priming): its business figures are dropped. */
    public void endRequest() {
        requestBusiness.remove();
    }

    /**
     * Adds one answered request: its counters, and the business figures of the request ({@link #beginRequest}), go
     * to the current bucket in one cache call. Never throws.
     *
     * @param routeKey      the matched route's key ({@code GET /users/{userId}}), or {@code unmatched}
     * @param status        the HTTP status answered
     * @param latencyMillis time spent in the handler, in milliseconds
     * @param cacheDelta    cache hits and misses of this invocation (may be null)
     */
    public void record(String routeKey, int status, double latencyMillis, CacheStats cacheDelta) {
        try {
            String route = FleetBuckets.routePrefix(routeKey);
            Map<String, Long> deltas = new HashMap<>(8);
            deltas.put(route + FleetBuckets.HISTOGRAM + LatencyHistogram.bucketOf(latencyMillis), 1L);
            deltas.put(route + FleetBuckets.LATENCY_MICROS, Math.max(0, Math.round(latencyMillis * 1000)));
            if (status >= 500) {
                deltas.put(route + FleetBuckets.SERVER_ERRORS, 1L);
            } else if (status >= 400) {
                deltas.put(route + FleetBuckets.CLIENT_ERRORS, 1L);
            }
            if (cacheDelta != null && cacheDelta.hits() > 0) {
                deltas.put(FleetBuckets.CACHE_HITS, cacheDelta.hits());
            }
            if (cacheDelta != null && cacheDelta.misses() > 0) {
                deltas.put(FleetBuckets.CACHE_MISSES, cacheDelta.misses());
            }
            Map<String, Long> business = requestBusiness.get();
            if (business != null) {
                business.forEach((name, amount) -> deltas.merge(FleetBuckets.BUSINESS + name, amount, Long::sum));
            }
            cache.hashIncrementAll(currentBucketKey(), deltas, FleetBuckets.KEY_TTL);
        } catch (RuntimeException e) {
            LOG.warn("fleet-metrics: request figures dropped", e);
        } finally {
            requestBusiness.remove();
        }
    }

    /**
     * Adds {@code amount} to the fleet-wide business counter {@code name} (CamelCase, e.g.
     * {@link #RECEIPTS_CREDITED}); reported per window under {@code business} by {@code GET /metrics}.
     * Call it after the fact it counts is durable. Emit the same figure as EMF for CloudWatch. Inside a request the
     * figure goes with the request's {@link #record}; otherwise it is written now.
     *
     * @throws IllegalArgumentException for a name that is not CamelCase letters and digits
     */
    public void business(String name, long amount) {
        if (name == null || !BUSINESS_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("business counter names are CamelCase letters and digits, was " + name);
        }
        if (amount == 0) {
            return;
        }
        Map<String, Long> ofRequest = requestBusiness.get();
        if (ofRequest != null) {
            ofRequest.merge(name, amount, Long::sum);
            return;
        }
        try {
            cache.hashIncrement(currentBucketKey(), FleetBuckets.BUSINESS + name, amount, FleetBuckets.KEY_TTL);
        } catch (RuntimeException e) {
            LOG.warn("fleet-metrics: business figure dropped", e, "figure", name);
        }
    }
}
