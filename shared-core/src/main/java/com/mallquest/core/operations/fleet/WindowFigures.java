package com.mallquest.core.operations.fleet;

/**
 * Request figures over one window (the whole system or one route).
 *
 * @param window            the window's label: {@code 1m}, {@code 5m} or {@code 15m}
 * @param seconds           seconds the window actually covers (its buckets up to now; a little under the label)
 * @param requests          requests answered in the window
 * @param requestsPerSecond {@code requests / seconds}
 * @param averageMs         mean latency (exact), null without requests
 * @param p50Ms             median latency from the histogram (within one bucket's width), null without requests
 * @param p95Ms             95th percentile, likewise
 * @param p99Ms             99th percentile, likewise
 * @param clientErrors      4xx answers
 * @param serverErrors      5xx answers
 * @param errorRate         {@code serverErrors / requests} (0 without requests)
 * @param clientErrorRate   {@code clientErrors / requests} (0 without requests)
 */
public record WindowFigures(
        String window,
        double seconds,
        long requests,
        double requestsPerSecond,
        Double averageMs,
        Double p50Ms,
        Double p95Ms,
        Double p99Ms,
        long clientErrors,
        long serverErrors,
        double errorRate,
        double clientErrorRate) {
}
