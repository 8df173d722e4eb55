package com.mallquest.core.operations.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums fleet buckets into the reported windows: parses each bucket's hash ({@link FleetBuckets} layout), adds
 * the buckets of each window, and derives rate, exact mean, error rates and histogram percentiles
 * ({@link LatencyHistogram}). A pure function of the clock reading and the bucket contents: no cache, no I/O.
 *
 * <p>A window of {@code n} buckets holds the {@code n} most recent buckets, the current (partial) one included;
 * its {@code seconds} is the time those buckets really cover up to now.
 *
 * <pre>{@code
 * Map<Long, Map<String, String>> buckets = ...; // bucket start (epoch seconds) → its hash, for FleetWindows.bucketStarts(now)
 * FleetSnapshot snapshot = FleetWindows.sum(FleetSnapshot.SCOPE_FLEET, now, buckets);
 * }</pre>
 */
public final class FleetWindows {

    /** The reported windows: label → length. */
    public static final Map<String, Duration> WINDOWS = windows();

    private static final List<String> LABELS = List.copyOf(WINDOWS.keySet());
    private static final int[] BUCKETS_PER_WINDOW = WINDOWS.values().stream()
            .mapToInt(d -> (int) (d.toSeconds() / FleetBuckets.BUCKET_SECONDS)).toArray();
    private static final int DEEPEST = java.util.Arrays.stream(BUCKETS_PER_WINDOW).max().orElse(0);

    private FleetWindows() { }

    private static Map<String, Duration> windows() {
        Map<String, Duration> w = new LinkedHashMap<>();
        w.put("1m", Duration.ofMinutes(1));
        w.put("5m", Duration.ofMinutes(5));
        w.put("15m", Duration.ofMinutes(15));
        return Collections.unmodifiableMap(w);
    }

    /** The starts (epoch seconds) of the buckets the longest window covers at {@code nowMillis}, newest first. */
    public static long[] bucketStarts(long nowMillis) {
        long current = FleetBuckets.bucketStartSeconds(nowMillis);
        long[] starts = new long[DEEPEST];
        for (int back = 0; back < DEEPEST; back++) {
            starts[back] = current - (long) back * FleetBuckets.BUCKET_SECONDS;
        }
        return starts;
    }

    /**
     * The windows' figures at {@code nowMillis}.
     *
     * @param scope   {@link FleetSnapshot#SCOPE_FLEET} or {@link FleetSnapshot#SCOPE_INSTANCE}, as the reader found the cache
     * @param buckets bucket start (epoch seconds) → the bucket's hash; missing or older buckets count as empty,
     *                fields this version does not know and values that are not numbers are skipped
     */
    public static FleetSnapshot sum(String scope, long nowMillis, Map<Long, Map<String, String>> buckets) {
        long currentStart = FleetBuckets.bucketStartSeconds(nowMillis);
        Totals[] totals = new Totals[LABELS.size()];
        double[] seconds = new double[LABELS.size()];
        for (int w = 0; w < totals.length; w++) {
            totals[w] = new Totals();
            long oldestStartMillis = (currentStart - (BUCKETS_PER_WINDOW[w] - 1L) * FleetBuckets.BUCKET_SECONDS) * 1000L;
            seconds[w] = Math.max(1.0, (nowMillis - oldestStartMillis) / 1000.0);
        }
        for (int back = 0; back < DEEPEST; back++) {
            Map<String, String> hash = buckets.get(currentStart - (long) back * FleetBuckets.BUCKET_SECONDS);
            if (hash == null || hash.isEmpty()) {
                continue;
            }
            Totals bucket = Totals.parse(hash);
            for (int w = 0; w < totals.length; w++) {
                if (back < BUCKETS_PER_WINDOW[w]) {
                    totals[w].add(bucket);
                }
            }
        }

        Map<String, WindowFigures> system = new LinkedHashMap<>();
        Map<String, Map<String, WindowFigures>> routes = new TreeMap<>();
        Map<String, Map<String, Long>> business = new LinkedHashMap<>();
        Map<String, CacheFigures> cacheFigures = new LinkedHashMap<>();
        for (int w = 0; w < totals.length; w++) {
            String label = LABELS.get(w);
            Totals t = totals[w];
            RouteTotals all = new RouteTotals();
            for (Map.Entry<String, RouteTotals> e : t.routes.entrySet()) {
                all.add(e.getValue());
                routes.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>()).put(label, e.getValue().figures(label, seconds[w]));
            }
            system.put(label, all.figures(label, seconds[w]));
            business.put(label, new TreeMap<>(t.business));
            long lookups = t.cacheHits + t.cacheMisses;
            cacheFigures.put(label, new CacheFigures(t.cacheHits, t.cacheMisses,
                    lookups == 0 ? null : round((double) t.cacheHits / lookups)));
        }
        // Routes seen only in a longer window still list every window (with zero figures in the shorter ones).
        for (Map<String, WindowFigures> perWindow : routes.values()) {
            Map<String, WindowFigures> found = new LinkedHashMap<>(perWindow);
            perWindow.clear();
            for (int w = 0; w < LABELS.size(); w++) {
                String label = LABELS.get(w);
                perWindow.put(label, found.getOrDefault(label, new RouteTotals().figures(label, seconds[w])));
            }
        }
        return new FleetSnapshot(scope, Instant.ofEpochMilli(nowMillis), system, routes, business, cacheFigures);
    }

    /** {@code value} rounded to 3 decimals, as every reported ratio and millisecond figure is. */
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
            if (metric.startsWith(FleetBuckets.HISTOGRAM)) {
                int bucket = Integer.parseInt(metric.substring(FleetBuckets.HISTOGRAM.length()));
                if (bucket >= 0 && bucket < histogram.length) {
                    histogram[bucket] += value;
                }
            } else if (metric.equals(FleetBuckets.LATENCY_MICROS)) {
                latencyMicros += value;
            } else if (metric.equals(FleetBuckets.CLIENT_ERRORS)) {
                clientErrors += value;
            } else if (metric.equals(FleetBuckets.SERVER_ERRORS)) {
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
                if (name.startsWith(FleetBuckets.ROUTE)) {
                    int bar = name.lastIndexOf(FleetBuckets.ROUTE_METRIC_SEPARATOR);
                    if (bar > FleetBuckets.ROUTE.length()) {
                        try {
                            t.routes.computeIfAbsent(name.substring(FleetBuckets.ROUTE.length(), bar), r -> new RouteTotals())
                                    .put(name.substring(bar + 1), value);
                        } catch (NumberFormatException ignored) {
                            // a field this version does not know: skipped
                        }
                    }
                } else if (name.startsWith(FleetBuckets.BUSINESS)) {
                    t.business.merge(name.substring(FleetBuckets.BUSINESS.length()), value, Long::sum);
                } else if (name.equals(FleetBuckets.CACHE_HITS)) {
                    t.cacheHits += value;
                } else if (name.equals(FleetBuckets.CACHE_MISSES)) {
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
