package com.mallquest.core.operations.health;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.Map;

/**
 * The body of {@code GET /health}: {@code {"status":"healthy"|"degraded"|"unhealthy","services":{...}}}.
 * It names states only: no endpoints, table names, error texts or settings.
 *
 * @param status   {@code healthy}: everything up; {@code degraded}: the database is up and the cache serves
 *                 from memory (Redis unreachable); {@code unhealthy}: the database is unreachable
 * @param services {@code database} and {@code cache}
 */
public record HealthReport(String status, Map<String, ServiceHealth> services) {

    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";
    public static final String UNHEALTHY = "unhealthy";

    /** 503 while unhealthy, else 200 (a degraded service still serves). */
    @JsonIgnore
    public int httpStatus() {
        return UNHEALTHY.equals(status) ? 503 : 200;
    }

    /**
     * One dependency's state.
     *
     * @param status    {@code up}, {@code degraded} or {@code down}
     * @param mode      the cache's mode ({@code redis}, {@code memory}, {@code memory-fallback}); null for the database
     * @param latencyMs how long the probe took
     */
    public record ServiceHealth(String status, String mode, long latencyMs) {
        public static final String UP = "up";
        public static final String DEGRADED = "degraded";
        public static final String DOWN = "down";
    }
}
