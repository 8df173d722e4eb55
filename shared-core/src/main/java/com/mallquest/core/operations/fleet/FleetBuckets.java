package com.mallquest.core.operations.fleet;

import com.mallquest.core.platform.cache.CacheKeys;

import java.time.Duration;

/**
 * How the fleet figures are laid out in the shared cache, spelled once for the writer ({@link FleetRecorder})
 * and the reader ({@link FleetWindows}).
 *
 * <p>One hash per {@value #BUCKET_SECONDS}-second bucket, {@code mq:fleet:{t<bucketStartEpochSeconds>}}, expiring
 * {@value #KEY_TTL_MINUTES} minutes after it was created. Its fields are counters:
 * <ul>
 *   <li>{@code r:<route>|h<i>} requests of the route whose latency fell in {@link LatencyHistogram} bucket i
 *       (their sum is the request count);</li>
 *   <li>{@code r:<route>|us} total latency in microseconds (for the exact mean);</li>
 *   <li>{@code r:<route>|4xx}, {@code r:<route>|5xx} error answers;</li>
 *   <li>{@code c:hits}, {@code c:misses} cache lookups of request code;</li>
 *   <li>{@code b:<Name>} business counters ({@link FleetRecorder#business}).</li>
 * </ul>
 * Each bucket is one key with its own hash tag, so nothing needs a cross-slot command in cluster mode.
 */
final class FleetBuckets {

    /** Width of one bucket. */
    static final int BUCKET_SECONDS = 10;
    /** Lifetime of a bucket's hash: the longest window plus margin for clock skew between containers. */
    static final int KEY_TTL_MINUTES = 17;
    static final Duration KEY_TTL = Duration.ofMinutes(KEY_TTL_MINUTES);

    /** Prefix of a route's fields; the route key ends at the last {@link #ROUTE_METRIC_SEPARATOR}. */
    static final String ROUTE = "r:";
    static final char ROUTE_METRIC_SEPARATOR = '|';
    /** Route metric prefix: {@code h<i>} counts latency histogram bucket i. */
    static final String HISTOGRAM = "h";
    static final String LATENCY_MICROS = "us";
    static final String CLIENT_ERRORS = "4xx";
    static final String SERVER_ERRORS = "5xx";
    static final String BUSINESS = "b:";
    static final String CACHE_HITS = "c:hits";
    static final String CACHE_MISSES = "c:misses";

    private FleetBuckets() { }

    /** Start of the bucket holding {@code epochMillis}, in epoch seconds. */
    static long bucketStartSeconds(long epochMillis) {
        return Math.floorDiv(epochMillis, BUCKET_SECONDS * 1000L) * BUCKET_SECONDS;
    }

    /** The cache key of the bucket that starts at {@code bucketStartEpochSeconds}. */
    static String key(long bucketStartEpochSeconds) {
        return CacheKeys.build("fleet", "t" + bucketStartEpochSeconds);
    }

    /** The prefix of every field of {@code routeKey}: {@code r:<route>|}. */
    static String routePrefix(String routeKey) {
        return ROUTE + routeKey + ROUTE_METRIC_SEPARATOR;
    }
}
