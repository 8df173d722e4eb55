package com.mallquest.core.platform.wiring;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.Caches;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.metrics.Metrics;
import com.mallquest.core.platform.dynamo.DynamoClients;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.util.Map;

/**
 * The clients of one container, built once in a handler's static init and reused by every invocation:
 * settings, DynamoDB, the cache and metrics. Tests build one against their own servers.
 */
public record Platform(Settings settings, DynamoDbClient dynamoDb, Cache cache, Metrics metrics, Clock clock) {

    /** Everything from the process environment (what a Lambda container does at init). */
    public static Platform fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static Platform fromEnvironment(Map<String, String> environment) {
        Settings settings = Settings.fromEnvironment(environment);
        return new Platform(
                settings,
                DynamoClients.create(settings),
                Caches.create(settings),
                new Metrics(settings.metricsNamespace(), settings.functionName()),
                Clock.systemUTC());
    }
}
