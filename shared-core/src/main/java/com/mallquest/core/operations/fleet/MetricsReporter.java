package com.mallquest.core.operations.fleet;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheStats;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.operations.health.HealthCheck;
import com.mallquest.logging.Log;
import com.mallquest.core.platform.metrics.InvocationMetrics;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds {@code GET /metrics} ({@link MetricsReport}) from the fleet figures in the shared cache, the
 * cache's state, the managed cache service's status and this container's runtime, and writes the same
 * figures to the invocation's EMF record so CloudWatch keeps the durable copy.
 *
 * <pre>{@code
 * MetricsReporter reporter = new MetricsReporter(core.cache(), core.clock(), CacheServiceStatus.NOT_IN_AWS,
 *         MetricsReporter.activeEffectTargets(core.cache(), core.clock()), Optional.empty());
 * MetricsReport report = reporter.report(request.metrics());
 * }</pre>
 */
public final class MetricsReporter {
    private static final Log LOG = Log.of(MetricsReporter.class);

    /** The most targets {@link #activeEffectTargets} counts (one bounded range read of the effects index). */
    public static final int ACTIVE_TARGETS_COUNTED_UP_TO = 10_000;

    /** Business counters always listed, with zeros when nothing was counted. */
    static final List<String> STANDARD_COUNTERS = List.of(FleetRecorder.RECEIPTS_CREDITED, FleetRecorder.COINS_AWARDED);

    private final Cache cache;
    private final Clock clock;
    private final FleetReader fleet;
    private final CacheServiceStatus cacheService;
    private final Supplier<Long> activeEffects;
    private final Optional<Integer> memoryLimitMb;

    /**
     * @param cacheService  the managed cache's status ({@link CacheServiceStatus#NOT_IN_AWS} locally)
     * @param activeEffects counts targets with active effects; may return null when unknown
     * @param memoryLimitMb the function's configured memory, when known
     */
    public MetricsReporter(Cache cache, Clock clock, CacheServiceStatus cacheService,
                           Supplier<Long> activeEffects, Optional<Integer> memoryLimitMb) {
        this.cache = cache;
        this.clock = clock;
        this.fleet = new FleetReader(cache, clock);
        this.cacheService = cacheService;
        this.activeEffects = activeEffects;
        this.memoryLimitMb = memoryLimitMb;
    }

    /** Reads everything, adds the headline figures to {@code emf}, and returns the report. */
    public MetricsReport report(InvocationMetrics emf) {
        FleetSnapshot snapshot = fleet.snapshot();
        Cache.Mode mode = cache.probe();
        String scopeNote = switch (mode) {
            case REDIS -> null;
            case MEMORY -> "No shared cache is configured (REDIS_URL unset): the figures are this instance's alone.";
            case MEMORY_FALLBACK -> "Redis is unreachable: the figures are this instance's alone, counted while it serves from memory.";
        };
        String scope = snapshot.fleetWide() && mode == Cache.Mode.REDIS ? FleetSnapshot.SCOPE_FLEET : FleetSnapshot.SCOPE_INSTANCE;

        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        STANDARD_COUNTERS.forEach(name -> counters.put(name, new LinkedHashMap<>()));
        snapshot.business().forEach((window, sums) -> sums.keySet().forEach(name -> counters.putIfAbsent(name, new LinkedHashMap<>())));
        counters.forEach((name, perWindow) -> FleetWindows.WINDOWS.keySet().forEach(window ->
                perWindow.put(window, snapshot.business().getOrDefault(window, Map.of()).getOrDefault(name, 0L))));

        Long effects = countActiveEffects();
        CacheStats own = cache.stats();
        long lookups = own.hits() + own.misses();
        CacheFigures instance = new CacheFigures(own.hits(), own.misses(),
                lookups == 0 ? null : FleetWindows.round((double) own.hits() / lookups));
        CacheServiceStatus.Report service = cacheService.current();
        MetricsReport.CacheSection cacheSection = new MetricsReport.CacheSection(
                HealthCheck.modeName(mode), mode == Cache.Mode.REDIS, snapshot.cache(), instance, service);
        RuntimeFigures runtime = RuntimeFigures.current(memoryLimitMb, clock.instant());

        MetricsReport report = new MetricsReport(scope, scopeNote, snapshot.at(), snapshot.system(), snapshot.routes(),
                new MetricsReport.Business(counters, effects), cacheSection, runtime);
        emit(report, emf);
        return report;
    }

    /**
     * Targets holding an unexpired effect: members of the effects index ({@link EffectsService#INDEX_KEY}, scored
     * by the latest expiry written for the target) with a score after now, up to
     * {@link #ACTIVE_TARGETS_COUNTED_UP_TO}. One single-key read: cluster-safe.
     */
    public static Supplier<Long> activeEffectTargets(Cache cache, Clock clock) {
        return () -> (long) cache.sortedRangeByScore(EffectsService.INDEX_KEY, clock.millis() + 1.0,
                Double.POSITIVE_INFINITY, false, ACTIVE_TARGETS_COUNTED_UP_TO).size();
    }

    private Long countActiveEffects() {
        try {
            return activeEffects.get();
        } catch (RuntimeException e) {
            LOG.warn("metrics: active effects not counted", e);
            return null;
        }
    }

    /** The headline figures as EMF (dimensions Function and Route of the metrics invocation). */
    static void emit(MetricsReport report, InvocationMetrics emf) {
        WindowFigures minute = report.system().get("1m");
        emf.property("fleetScope", report.scope());
        if (minute != null) {
            emf.count("FleetRequestsPerSecond", minute.requestsPerSecond())
                    .count("FleetErrorRate", minute.errorRate());
            if (minute.averageMs() != null) {
                emf.milliseconds("FleetLatencyAverage", minute.averageMs())
                        .milliseconds("FleetLatencyP50", minute.p50Ms())
                        .milliseconds("FleetLatencyP95", minute.p95Ms())
                        .milliseconds("FleetLatencyP99", minute.p99Ms());
            }
        }
        report.business().counters().forEach((name, perWindow) -> emf.count("Fleet" + name + "1m", perWindow.getOrDefault("1m", 0L)));
        if (report.business().activeEffectTargets() != null) {
            emf.count("ActiveEffectTargets", report.business().activeEffectTargets());
        }
        CacheFigures hitRatio = report.cache().hitRatio().get("1m");
        if (hitRatio != null && hitRatio.hitRatio() != null) {
            emf.count("FleetCacheHitRatio", hitRatio.hitRatio());
        }
        emf.count("CacheRedisReachable", report.cache().redisReachable() ? 1 : 0);
        if (report.cache().service().checked()) {
            emf.count("ElastiCacheAvailable", "available".equalsIgnoreCase(report.cache().service().status()) ? 1 : 0);
        }
        RuntimeFigures rt = report.runtime();
        emf.bytes("HeapUsed", rt.heapUsedBytes()).count("UptimeSeconds", rt.uptimeSeconds());
        if (rt.residentBytes() != null) {
            emf.bytes("ResidentMemory", rt.residentBytes());
        }
    }
}
