package com.mallquest.functions.metrics;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.operations.fleet.CacheServiceStatus;
import com.mallquest.core.operations.fleet.MetricsReporter;
import com.mallquest.core.operations.health.HealthCheck;
import com.mallquest.core.operations.health.HealthReport;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;
import com.mallquest.core.platform.wiring.Platform;

import java.util.List;

/**
 * {@code GET /metrics} (admins: the fleet's request, business, cache and runtime figures) and
 * {@code GET /health} (public: database and cache state; 503 while the database is unreachable), over
 * {@link MetricsReporter} and {@link HealthCheck}.
 */
public final class MetricsHandler extends ApiHandler {
    private final MetricsReporter reporter;
    private final HealthCheck health;

    public MetricsHandler() {
        this(Services.container().platform());
    }

    MetricsHandler(Platform core) {
        this(core, ElastiCacheStatus.forSettings(core.settings(), core.clock()));
    }

    MetricsHandler(Platform core, CacheServiceStatus cacheService) {
        super(core);
        this.reporter = new MetricsReporter(core.cache(), core.clock(), cacheService,
                MetricsReporter.activeEffectTargets(core.cache(), core.clock()), core.settings().functionMemoryMb());
        this.health = new HealthCheck(core.dynamoDb(), core.settings().storesTable(), core.cache(),
                core.settings().healthDatabaseTimeout());
    }

    @Override
    protected List<Route> routes() {
        return List.of(
                Route.get("/metrics", Access.ADMIN, this::metrics),
                Route.get("/health", Access.PUBLIC, this::health));
    }

    private ApiResponse metrics(ApiRequest request) {
        return ApiResponse.ok(reporter.report(request.metrics()));
    }

    private ApiResponse health(ApiRequest request) {
        HealthReport report = health.check();
        request.metrics().count("Healthy", HealthReport.HEALTHY.equals(report.status()) ? 1 : 0);
        return ApiResponse.of(report.httpStatus(), report).withHeader("Cache-Control", "no-store");
    }
}
