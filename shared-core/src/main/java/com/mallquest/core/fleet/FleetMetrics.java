package com.mallquest.core.fleet;

import com.mallquest.core.cache.Cache;
import com.mallquest.core.cache.CacheKeys;
import com.mallquest.core.cache.CacheStats;
import com.mallquest.core.lambda.RequestRecorder;
import com.mallquest.core.logging.Log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Fleet-wide request and business figures, kept in the shared cache so that every Lambda container adds
 * to the same counters and {@code GET /metrics} reports the whole fleet, not the sliver one container sees.
 *
 * <h2>Storage</h2>
 * One Redis hash per 10-second bucket, {@code mq:fleet:{t<bucketStartEpochSeconds>}}, expiring
 * {@value #KEY_TTL_MINUTES} minutes after it was created. Fields are counters ({@code HINCRBY}); the counters
 * of one request are added together by one {@link Cache#hashIncrementAll} (one round trip):
 * <ul>
 *   <li>{@code r:<route>|h<i>} requests of the route whose latency fell in {@link LatencyHistogram} bucket i
 *       (their sum is the request count);</li>
 *   <li>{@code r:<route>|us} total latency in microseconds (for the exact mean);</li>
 *   <li>{@code r:<route>|4xx}, {@code r:<route>|5xx} error answers;</li>
 *   <li>{@code c:hits}, {@code c:misses} cache lookups of request code;</li>
 *   <li>{@code b:<Name>} business counters ({@link #business}).</li>
 * </ul>
 * Reading 15 minutes is 90 single-key {@code HGETALL}s: each bucket is one key (one hash tag), so nothing
 * needs a cross-slot command in cluster mode.
 *
 * <p>While the cache serves from memory (no Redis configured, or Redis unreachable and the fallback
 * serving), the same counters land in this container's memory and {@link #snapshot()} says so with the
 * scope {@code instance}.
 *
 * <pre>{@code
 * FleetMetrics fleet = new FleetMetrics(core.cache(), core.clock());
 * fleet.business(FleetMetrics.RECEIPTS_CREDITED, 1);
 * fleet.business(FleetMetrics.COINS_AWARDED, coins);
 * FleetSnapshot now = fleet.snapshot();
 * }</pre>
 *
 * <p>Recording never throws: a failed increment is logged and dropped.
 */
public final class FleetMetrics implements RequestRecorder {
    private static final Log LOG = Log.of(FleetMetrics.class);

    /** Business counter: receipts credited (first credits, not replays). */
    public static final String RECEIPTS_CREDITED = "ReceiptsCredited";
    /** Business counter: coins awarded by receipt credits. */
    public static final String COINS_AWARDED = "CoinsAwarded";
    /** Business counter: effects triggered. */
    public static final String EFFECTS_TRIGGERED = "EffectsTriggered";

    /** Width of one bucket. */
    public static final int BUCKET_SECONDS = 10;
    /** Lifetime of a bucket's hash: the longest window plus margin for clock skew between containers. */
    public static final int KEY_TTL_MINUTES = 17;

    /** The reported windows: label → length. */
    public static final Map<String, Duration> WINDOWS = windows();

    private static final Duration KEY_TTL = Duration.ofMinutes(KEY_TTL_MINUTES);
    private static final Pattern BUSINESS_NAME = Pattern.compile("[A-Z][A-Za-z0-9]{0,63}");
    private static final String ROUTE = "r:";
    private static final String BUSINESS = "b:";
    private static final String CACHE_HITS = "c:hits";
    private static final String CACHE_MISSES = "c:misses";

    private final Cache cache;
    private final Clock clock;

    public FleetMetrics(Cache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    private static Map<String, Duration> windows() {
        Map<String, Duration> w = new LinkedHashMap<>();
        w.put("1m", Duration.ofMinutes(1));
        w.put("5m", Duration.ofMinutes(5));
        w.put("15m", Duration.ofMinutes(15));
        return java.util.Collections.unmodifiableMap(w);
    }

    /** The cache key of the bucket that starts at {@code bucketStartEpochSeconds}. */
    static String bucketKey(long bucketStartEpochSeconds) {
        return CacheKeys.build("fleet", "t" + bucketStartEpochSeconds);
    }

    private String currentBucketKey() {
        return bucketKey(Math.floorDiv(clock.millis(), BUCKET_SECONDS * 1000L) * BUCKET_SECONDS);
    }

    // ---------------------------------------------------------------- recording

    /** Adds one answered request: its counters go to the current bucket in one cache call (one round trip on Redis). */
    @Override
    public void record(String routeKey, int status, double latencyMillis, CacheStats cacheDelta) {
        try {
            String route = ROUTE + routeKey + "|";
            Map<String, Long> deltas = new HashMap<>(8);
            deltas.put(route + "h" + LatencyHistogram.bucketOf(latencyMillis), 1L);
            deltas.put(route + "us", Math.max(0, Math.round(latencyMillis * 1000)));
            if (status >= 500) {
                deltas.put(route + "5xx", 1L);
            } else if (status >= 400) {
                deltas.put(route + "4xx", 1L);
            }
            if (cacheDelta != null && cacheDelta.hits() > 0) {
                deltas.put(CACHE_HITS, cacheDelta.hits());
            }
            if (cacheDelta != null && cacheDelta.misses() > 0) {
                deltas.put(CACHE_MISSES, cacheDelta.misses());
            }
            cache.hashIncrementAll(currentBucketKey(), deltas, KEY_TTL);
        } catch (RuntimeException e) {
            LOG.warn("fleet-metrics: request figures dropped", e);
        }
    }

    /**
     * Adds {@code amount} to the fleet-wide business counter {@code name} (CamelCase, e.g.
     * {@link #RECEIPTS_CREDITED}); reported per window under {@code business} by {@code GET /metrics}.
     * Call it after the fact it counts is durable. Emit the same figure as EMF for CloudWatch.
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
        try {
            cache.hashIncrement(currentBucketKey(), BUSINESS + name, amount, KEY_TTL);
        } catch (RuntimeException e) {
            LOG.warn("fleet-metrics: business figure dropped", e, "figure", name);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads the buckets of the last 15 minutes and sums them into the 1, 5 and 15 minute windows. */
    public FleetSnapshot snapshot() {
        long nowMs = clock.millis();
        long bucketMs = BUCKET_SECONDS * 1000L;
        long currentStartMs = Math.floorDiv(nowMs, bucketMs) * bucketMs;

        List<String> labels = new ArrayList<>(WINDOWS.keySet());
        int[] bucketsPerWindow = WINDOWS.values().stream()
                .mapToInt(d -> (int) (d.toSeconds() / BUCKET_SECONDS)).toArray();
        int deepest = java.util.Arrays.stream(bucketsPerWindow).max().orElse(0);
        Totals[] totals = new Totals[labels.size()];
        for (int w = 0; w < totals.length; w++) {
            totals[w] = new Totals();
        }
        for (int back = 0; back < deepest; back++) {
            long startMs = currentStartMs - back * bucketMs;
            Map<String, String> hash = cache.hashGetAll(bucketKey(startMs / 1000));
            if (hash.isEmpty()) {
                continue;
            }
            Totals bucket = Totals.parse(hash);
            for (int w = 0; w < totals.length; w++) {
                if (back < bucketsPerWindow[w]) {
                    totals[w].add(bucket);
                }
            }
        }

        Map<String, WindowFigures> system = new LinkedHashMap<>();
        Map<String, Map<String, WindowFigures>> routes = new TreeMap<>();
        Map<String, Map<String, Long>> business = new LinkedHashMap<>();
        Map<String, CacheFigures> cacheFigures = new LinkedHashMap<>();
        for (int w = 0; w < totals.length; w++) {
            String label = labels.get(w);
            long oldestStartMs = currentStartMs - (bucketsPerWindow[w] - 1L) * bucketMs;
            double seconds = Math.max(1.0, (nowMs - oldestStartMs) / 1000.0);
            Totals t = totals[w];
            RouteTotals all = new RouteTotals();
            for (Map.Entry<String, RouteTotals> e : t.routes.entrySet()) {
                all.add(e.getValue());
                routes.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(label, e.getValue().figures(label, seconds));
            }
            system.put(label, all.figures(label, seconds));
            business.put(label, new TreeMap<>(t.business));
            long lookups = t.cacheHits + t.cacheMisses;
            cacheFigures.put(label, new CacheFigures(t.cacheHits, t.cacheMisses,
                    lookups == 0 ? null : round((double) t.cacheHits / lookups)));
        }
        // Routes seen only in a longer window still list every window (with zero figures in the shorter ones).
        for (Map<String, WindowFigures> perWindow : routes.values()) {
            for (int w = 0; w < labels.size(); w++) {
                String label = labels.get(w);
                long oldestStartMs = currentStartMs - (bucketsPerWindow[w] - 1L) * bucketMs;
                double seconds = Math.max(1.0, (nowMs - oldestStartMs) / 1000.0);
                perWindow.putIfAbsent(label, new RouteTotals().figures(label, seconds));
            }
            reorder(perWindow, labels);
        }
        // The mode is read after the reads: a read that found Redis unreachable has switched it already.
        String scope = cache.mode() == Cache.Mode.REDIS ? FleetSnapshot.SCOPE_FLEET : FleetSnapshot.SCOPE_INSTANCE;
        return new FleetSnapshot(scope, Instant.ofEpochMilli(nowMs), system, routes, business, cacheFigures);
    }

    private static void reorder(Map<String, WindowFigures> perWindow, List<String> labels) {
        Map<String, WindowFigures> copy = new LinkedHashMap<>(perWindow);
        perWindow.clear();
        labels.forEach(l -> perWindow.put(l, copy.get(l)));
    }

    static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    /** Sums of one route. */
    private static final class RouteTotals {
        final long[] histogram = new long[LatencyHistogram.BUCKETS];
        long latencyMicros;
        long clientErrors;
        long serverErrors;

        void add(RouteTotals other) {
            for (int i = 0; i < histogram.length; i++) {
                histogram[i] += other.histogram[i];
            }
            latencyMicros += other.latencyMicros;
            clientErrors += other.clientErrors;
            serverErrors += other.serverErrors;
        }

        void put(String metric, long value) {
            if (metric.startsWith("h")) {
                int bucket = Integer.parseInt(metric.substring(1));
                if (bucket >= 0 && bucket < histogram.length) {
                    histogram[bucket] += value;
                }
            } else if (metric.equals("us")) {
                latencyMicros += value;
            } else if (metric.equals("4xx")) {
                clientErrors += value;
            } else if (metric.equals("5xx")) {
                serverErrors += value;
            }
        }

        WindowFigures figures(String label, double seconds) {
            long requests = 0;
            for (long c : histogram) {
                requests += c;
            }
            if (requests == 0) {
                return new WindowFigures(label, round(seconds), 0, 0, null, null, null, null, 0, 0, 0, 0);
            }
            return new WindowFigures(label, round(seconds), requests, round(requests / seconds),
                    round(latencyMicros / 1000.0 / requests),
                    round(LatencyHistogram.percentile(histogram, 0.50)),
                    round(LatencyHistogram.percentile(histogram, 0.95)),
                    round(LatencyHistogram.percentile(histogram, 0.99)),
                    clientErrors, serverErrors,
                    round((double) serverErrors / requests), round((double) clientErrors / requests));
        }
    }

    /** Sums of one bucket or one window. */
    private static final class Totals {
        final Map<String, RouteTotals> routes = new HashMap<>();
        final Map<String, Long> business = new HashMap<>();
        long cacheHits;
        long cacheMisses;

        static Totals parse(Map<String, String> hash) {
            Totals t = new Totals();
            for (Map.Entry<String, String> field : hash.entrySet()) {
                long value;
                try {
                    value = Long.parseLong(field.getValue());
                } catch (NumberFormatException e) {
                    continue;
                }
                String name = field.getKey();
                if (name.startsWith(ROUTE)) {
                    int bar = name.lastIndexOf('|');
                    if (bar > ROUTE.length()) {
                        try {
                            t.routes.computeIfAbsent(name.substring(ROUTE.length(), bar), r -> new RouteTotals())
                                    .put(name.substring(bar + 1), value);
                        } catch (NumberFormatException ignored) {
                            // a field this version does not know: skipped
                        }
                    }
                } else if (name.startsWith(BUSINESS)) {
                    t.business.merge(name.substring(BUSINESS.length()), value, Long::sum);
                } else if (name.equals(CACHE_HITS)) {
                    t.cacheHits += value;
                } else if (name.equals(CACHE_MISSES)) {
                    t.cacheMisses += value;
                }
            }
            return t;
        }

        void add(Totals other) {
            other.routes.forEach((route, figures) -> routes.computeIfAbsent(route, r -> new RouteTotals()).add(figures));
            other.business.forEach((name, value) -> business.merge(name, value, Long::sum));
            cacheHits += other.cacheHits;
            cacheMisses += other.cacheMisses;
        }
    }
}
