package com.mallquest.core.testing;

import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.platform.metrics.Metrics;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** {@link Platform} for tests: a core with no backing services, or a real one with one part swapped. */
public final class TestCores {
    private TestCores() { }

    /**
     * A core with no DynamoDB (placeholder table names), the in-memory cache and EMF to stdout, for handlers
     * whose routes never reach a table.
     *
     * @param function   the function name in the EMF records
     * @param clock      the clock every service reads
     * @param extraEnv   settings on top of the required table variables (e.g. {@code MAX_BODY_BYTES})
     */
    public static Platform inMemory(String function, Clock clock, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of("USERS_TABLE", "u", "RECEIPTS_TABLE", "r", "STORES_TABLE", "s"));
        env.putAll(extraEnv);
        return new Platform(Settings.fromEnvironment(env), null, new MemoryCache(),
                new Metrics("Test", function), clock);
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
