package com.mallquest.core.testing;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.platform.metrics.Metrics;
import com.mallquest.local.testsupport.TestBackends;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Fresh tables on the shared moto_server ({@link TestBackends}) with the seeded stores and their keys, and the
 * {@link Platform} of any number of containers over them: the one set-up of the core tests that run on tables.
 *
 * <pre>{@code
 * TableCores cores = new TableCores("receipts", NOW, Map.of("RECEIPT_DAILY_STORE_LIMIT", "3"));
 * new Services(cores.core(), effects).receipts();                          // the shared in-memory cache
 * new Services(cores.core(crashing, new MemoryCache()), effects).receipts(); // another container, a crashing client
 * cores.env.put("RECEIPT_RATE_LIMIT", "2/60s");                      // read by every later core()
 * }</pre>
 */
public final class TableCores {
    /** The settings, read again by every {@link #core}: a test may change one before it builds a service. */
    public final Map<String, String> env;
    /** The client of the shared moto_server. */
    public final DynamoDbClient dynamo;
    /** The clock every core reads. */
    public final MutableClock clock;
    /** The cache of {@link #core()} and {@link #core(DynamoDbClient)}. */
    public final MemoryCache cache = new MemoryCache();
    private final String function;

    /**
     * New tables with the stores seeded; the receipt rate limit is 1000 a minute (the limits have their own tests)
     * unless {@code settings} say otherwise.
     *
     * @param function the function name in the EMF records
     * @param now      where {@link #clock} starts
     * @param settings settings on top of the tables' (e.g. {@code RECEIPT_DAILY_STORE_LIMIT})
     */
    public TableCores(String function, Instant now, Map<String, String> settings) {
        this.function = function;
        this.env = new HashMap<>(TestBackends.environment());
        env.put("RECEIPT_RATE_LIMIT", "1000/60s");
        env.put("REDEMPTION_RATE_LIMIT", "1000/60s");
        env.putAll(settings);
        this.dynamo = TestBackends.dynamoDb();
        this.clock = new MutableClock(now);
        StoreSeed.loadWithKeys(core());
    }

    /** A core over the tables with the shared cache. */
    public Platform core() {
        return core(dynamo, cache);
    }

    /** A core over {@code client} (e.g. a {@link CrashingDynamoDb} over {@link #dynamo}) with the shared cache. */
    public Platform core(DynamoDbClient client) {
        return core(client, cache);
    }

    /** A core over {@code client} with {@code cache}: another container when the cache is its own. */
    public Platform core(DynamoDbClient client, Cache cache) {
        return new Platform(Settings.fromEnvironment(env), client, cache, new Metrics("Test", function), clock);
    }
}
