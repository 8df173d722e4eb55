package com.mallquest.benchmarks;

/** Endpoints of the backing services that {@link BenchmarkMain} started, handed to every JMH fork. */
final class BenchmarkEnvironment {
    static final String DYNAMODB = "mallquest.bench.dynamodb";
    static final String REDIS = "mallquest.bench.redis";

    private BenchmarkEnvironment() { }

    static String dynamoDbEndpoint() {
        return required(DYNAMODB);
    }

    static String redisUrl() {
        return required(REDIS);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("Run benchmarks through BenchmarkMain (./mallquest bench): " + property + " is not set");
        }
        return value;
    }
}
