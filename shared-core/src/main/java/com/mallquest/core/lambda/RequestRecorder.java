package com.mallquest.core.lambda;

import com.mallquest.core.cache.CacheStats;

/**
 * Told about every HTTP invocation once its response is known, by {@link ApiHandler}. The fleet metrics
 * ({@link com.mallquest.core.fleet.FleetMetrics}) implement it to add each request to the shared,
 * fleet-wide figures behind {@code GET /metrics}.
 *
 * <p>Implementations must be cheap and must never throw: a recorder cannot fail a request.
 */
@FunctionalInterface
public interface RequestRecorder {

    /** Records nothing (for handlers that opt out). */
    RequestRecorder NONE = (routeKey, status, latencyMillis, cache) -> { };

    /**
     * @param routeKey      the matched route's key ({@code GET /users/{userId}}), or {@code unmatched}
     * @param status        the HTTP status answered
     * @param latencyMillis time spent in the handler, in milliseconds
     * @param cache         cache hits and misses of this invocation
     */
    void record(String routeKey, int status, double latencyMillis, CacheStats cache);
}
