package com.mallquest.core.testing;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.Caches;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.metrics.Metrics;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.local.testsupport.RedisServer;
import com.mallquest.local.testsupport.TestBackends;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The one way a test of the application builds its {@link Platform}: fresh tables on the JVM's shared moto_server
 * ({@link TestBackends}), a clock the test moves, the in-memory cache (or Redis when the settings name
 * {@code REDIS_URL}), and any number of containers over them.
 *
 * <pre>{@code
 * TestStack stack = TestStack.seeded("receipts", NOW, Map.of("RECEIPT_DAILY_STORE_LIMIT", "3")); // + the seed stores
 * new Services(stack.core(), effects).receipts();                          // the stack's cache
 * new Services(stack.core(crashing, new MemoryCache()), effects).receipts(); // another container, a crashing client
 * stack.env.put("RECEIPT_RATE_LIMIT", "2/60s");                             // read by every later core()
 * TestStack.empty("stores", NOW, TestStack.sharedRedis());                  // no stores, the JVM's shared Redis
 * Platform noTables = TestStack.withoutTables("trigger-effect", clock, Map.of());  // routes that reach no table
 * }</pre>
 */
public final class TestStack {
    /** The settings, read again by every {@link #core}: a test may change one before it builds a service. */
    public final Map<String, String> env;
    /** The client of the shared moto_server. */
    public final DynamoDbClient dynamo;
    /** The clock every core reads. */
    public final MutableClock clock;
    /** The cache of {@link #core()} and {@link #core(DynamoDbClient)}: Redis when the settings name one. */
    public final Cache cache;
    private final String function;

    private TestStack(String function, Instant now, Map<String, String> settings) {
        this.function = function;
        this.env = new HashMap<>(TestBackends.environment());
        env.put("RECEIPT_RATE_LIMIT", "1000/60s");
        env.put("REDEMPTION_RATE_LIMIT", "1000/60s");
        env.putAll(settings);
        this.dynamo = TestBackends.dynamoDb();
        this.clock = new MutableClock(now);
        this.cache = env.containsKey("REDIS_URL") ? Caches.create(Settings.fromEnvironment(env)) : new MemoryCache();
    }

    /**
     * New, empty tables. The receipt and redemption rate limits are 1000 a minute (the limits have their own tests)
     * unless {@code settings} say otherwise.
     *
     * @param function the function name in the EMF records
     * @param now      where {@link #clock} starts
     * @param settings settings on top of the tables' (e.g. {@code RECEIPT_DAILY_STORE_LIMIT}, {@code REDIS_URL})
     */
    public static TestStack empty(String function, Instant now, Map<String, String> settings) {
        return new TestStack(function, now, settings);
    }

    /** {@link #empty} with the seed stores ({@link StoreSeed}) and their signing keys loaded. */
    public static TestStack seeded(String function, Instant now, Map<String, String> settings) {
        TestStack stack = new TestStack(function, now, settings);
        StoreSeed.loadWithKeys(stack.core());
        return stack;
    }

    /**
     * {@code REDIS_URL} of the JVM's shared redis-server ({@link RedisServer#shared()}), to pass as a setting. Every
     * test of the JVM uses it: use keys of your own (fresh user ids), never flush it.
     */
    public static Map<String, String> sharedRedis() {
        return Map.of("REDIS_URL", RedisServer.shared().uri().toString());
    }

    /** A core over the tables with the stack's cache. */
    public Platform core() {
        return core(dynamo, cache);
    }

    /** A core over {@code client} (e.g. a {@link CrashingDynamoDb} over {@link #dynamo}) with the stack's cache. */
    public Platform core(DynamoDbClient client) {
        return core(client, cache);
    }

    /** A core over {@code client} with {@code cache}: another container when the cache is its own. */
    public Platform core(DynamoDbClient client, Cache cache) {
        return new Platform(Settings.fromEnvironment(env), client, cache, new Metrics("Test", function), clock);
    }

    /**
     * A core with no DynamoDB (placeholder table names), the in-memory cache and EMF to stdout, for handlers whose
     * routes never reach a table.
     *
     * @param function the function name in the EMF records
     * @param clock    the clock every service reads
     * @param settings settings on top of the required table variables (e.g. {@code MAX_BODY_BYTES})
     */
    public static Platform withoutTables(String function, Clock clock, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of("USERS_TABLE", "u", "RECEIPTS_TABLE", "r", "STORES_TABLE", "s"));
        env.putAll(settings);
        return new Platform(Settings.fromEnvironment(env), null, new MemoryCache(), new Metrics("Test", function), clock);
    }

    /** {@code core} on {@code clock}. */
    public static Platform withClock(Platform core, Clock clock) {
        return new Platform(core.settings(), core.dynamoDb(), core.cache(), core.metrics(), clock);
    }

    /** {@code core} with {@code dynamoDb} (e.g. a {@link CrashingDynamoDb} over the real one). */
    public static Platform withDynamoDb(Platform core, DynamoDbClient dynamoDb) {
        return new Platform(core.settings(), dynamoDb, core.cache(), core.metrics(), core.clock());
    }
}
