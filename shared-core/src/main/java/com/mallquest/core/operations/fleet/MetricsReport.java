package com.mallquest.core.operations.fleet;

import java.time.Instant;
import java.util.Map;

/**
 * The body of {@code GET /metrics}.
 *
 * @param scope       {@code fleet}: figures of every container, from the shared cache; {@code instance}:
 *                    from this container alone (see {@code scopeNote})
 * @param scopeNote   why the figures are this instance's alone; null when fleet-wide
 * @param generatedAt when the figures were read
 * @param system      window ({@code 1m}, {@code 5m}, {@code 15m}) → all routes together
 * @param routes      route key → window → figures
 * @param business    business counters per window, and active effects
 * @param cache       the cache's mode, reachability, hit ratio and the managed service's status
 * @param runtime     this container's memory and uptime
 */
public record MetricsReport(
        String scope,
        String scopeNote,
        Instant generatedAt,
        Map<String, WindowFigures> system,
        Map<String, Map<String, WindowFigures>> routes,
        Business business,
        CacheSection cache,
        RuntimeFigures runtime) {

    /**
     * @param counters      counter name ({@code ReceiptsCredited}, {@code CoinsAwarded}, …) → window → sum
     * @param activeEffectTargets targets (users, screen channels) holding at least one unexpired effect right
     *                            now, across the fleet (from the effects index); counted up to
     *                            {@link MetricsReporter#ACTIVE_TARGETS_COUNTED_UP_TO}; null when not known
     */
    public record Business(Map<String, Map<String, Long>> counters, Long activeEffectTargets) { }

    /**
     * @param mode           {@code redis}, {@code memory} (no Redis configured) or {@code memory-fallback}
     * @param redisReachable whether this container reaches Redis right now
     * @param hitRatio       window → lookups of request code across the fleet
     * @param instance       this container's own lookups since it started
     * @param service        the managed cache service's status (ElastiCache in AWS)
     */
    public record CacheSection(String mode, boolean redisReachable, Map<String, CacheFigures> hitRatio,
                               CacheFigures instance, CacheServiceStatus.Report service) { }
}
