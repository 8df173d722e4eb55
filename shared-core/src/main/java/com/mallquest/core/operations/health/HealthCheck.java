package com.mallquest.core.operations.health;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.operations.health.HealthReport.ServiceHealth;
import com.mallquest.logging.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: probes DynamoDB and the cache and rates the whole.
 *
 * <ul>
 *   <li>Database: one eventually consistent {@code GetItem} of a key that never exists in the stores table
 *       (half a read unit), bounded by its own short API-call timeout; any failure (timeout, refused
 *       connection, missing table, denied) is {@code down}.</li>
 *   <li>Cache: {@link Cache#probe()} (one PING, unless Redis failed within the retry interval), then the mode: {@code redis} is up, {@code memory} (no Redis
 *       configured: local runs) is up, {@code memory-fallback} (Redis unreachable, this container serving
 *       from memory) is degraded.</li>
 * </ul>
 * Database down: {@code unhealthy} (HTTP 503). Cache degraded: {@code degraded} (HTTP 200: requests are
 * still served). Failure details go to the log, never into the answer.
 */
public final class HealthCheck {
    private static final Log LOG = Log.of(HealthCheck.class);

    /** A store id no real store has (ids are lower-case slugs). */
    static final String PROBE_STORE_ID = "__health_probe__";

    private final DynamoDbClient dynamoDb;
    private final String probeTable;
    private final Cache cache;
    private final Duration databaseTimeout;

    /**
     * @param probeTable      the table read by the probe (the stores table: every function may read it)
     * @param databaseTimeout the whole probe's budget, retries included
     */
    public HealthCheck(DynamoDbClient dynamoDb, String probeTable, Cache cache, Duration databaseTimeout) {
        this.dynamoDb = dynamoDb;
        this.probeTable = probeTable;
        this.cache = cache;
        this.databaseTimeout = databaseTimeout;
    }

    public HealthReport check() {
        ServiceHealth database = probeDatabase();
        ServiceHealth cacheHealth = probeCache();
        String status;
        if (ServiceHealth.DOWN.equals(database.status())) {
            status = HealthReport.UNHEALTHY;
        } else if (!ServiceHealth.UP.equals(cacheHealth.status())) {
            status = HealthReport.DEGRADED;
        } else {
            status = HealthReport.HEALTHY;
        }
        Map<String, ServiceHealth> services = new LinkedHashMap<>();
        services.put("database", database);
        services.put("cache", cacheHealth);
        return new HealthReport(status, services);
    }

    private ServiceHealth probeDatabase() {
        long started = System.nanoTime();
        try {
            dynamoDb.getItem(GetItemRequest.builder()
                    .tableName(probeTable)
                    .key(Map.of("storeId", AttributeValue.fromS(PROBE_STORE_ID)))
                    .consistentRead(false)
                    .overrideConfiguration(o -> o.apiCallTimeout(databaseTimeout).apiCallAttemptTimeout(databaseTimeout))
                    .build());
            return new ServiceHealth(ServiceHealth.UP, null, elapsedMs(started));
        } catch (SdkException e) {
            LOG.warn("health: database probe failed", e);
            return new ServiceHealth(ServiceHealth.DOWN, null, elapsedMs(started));
        }
    }

    private ServiceHealth probeCache() {
        long started = System.nanoTime();
        Cache.Mode mode;
        try {
            mode = cache.probe();
        } catch (RuntimeException e) {
            LOG.warn("health: cache probe failed", e);
            mode = Cache.Mode.MEMORY_FALLBACK;
        }
        String status = mode == Cache.Mode.MEMORY_FALLBACK ? ServiceHealth.DEGRADED : ServiceHealth.UP;
        return new ServiceHealth(status, modeName(mode), elapsedMs(started));
    }

    /** The mode as reported: {@code redis}, {@code memory} or {@code memory-fallback}. */
    public static String modeName(Cache.Mode mode) {
        return mode.name().toLowerCase().replace('_', '-');
    }

    private static long elapsedMs(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
