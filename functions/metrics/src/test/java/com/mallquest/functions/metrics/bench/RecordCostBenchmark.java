package com.mallquest.functions.metrics.bench;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheStats;
import com.mallquest.core.platform.cache.Caches;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.operations.fleet.FleetRecorder;
import com.mallquest.local.testsupport.RedisServer;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A documented harness (not a test): what recording one request's fleet figures costs on a real
 * redis-server, as a ratio against a baseline.
 *
 * <ul>
 *   <li>baseline: the same counters added field by field ({@link Cache#hashIncrement}, one round trip each:
 *       histogram bucket, latency sum, one cache figure);</li>
 *   <li>measured: {@link FleetRecorder#record} (one {@link Cache#hashIncrementAll}, one round trip).</li>
 * </ul>
 * Alternating rounds of 5 000 calls after a warm-up; prints the median per-call time of each and the ratio.
 * Run from the repository root (see docs/operations.md):
 * <pre>
 * mvn -q -pl functions/metrics -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/bench.classpath -Dmdep.includeScope=test
 * java -cp "$(cat /tmp/bench.classpath):functions/metrics/target/test-classes:functions/metrics/target/classes" \
 *     -Dmallquest.repo.root=$PWD com.mallquest.functions.metrics.bench.RecordCostBenchmark
 * </pre>
 */
public final class RecordCostBenchmark {

    private static final int CALLS = 5_000;
    private static final int ROUNDS = 7;

    private RecordCostBenchmark() { }

    public static void main(String[] args) {
        try (RedisServer redis = RedisServer.start()) {
            Settings settings = Settings.fromEnvironment(Map.of("USERS_TABLE", "u", "RECEIPTS_TABLE", "r",
                    "STORES_TABLE", "s", "REDIS_URL", redis.uri().toString()));
            Cache cache = Caches.create(settings);
            FleetRecorder fleet = new FleetRecorder(cache, Clock.systemUTC());
            Duration ttl = Duration.ofMinutes(17);
            Runnable baseline = () -> {
                String key = "mq:fleet:{tbench}";
                cache.hashIncrement(key, "r:GET /stores|h4", 1, ttl);
                cache.hashIncrement(key, "r:GET /stores|us", 12_345, ttl);
                cache.hashIncrement(key, "c:hits", 1, ttl);
            };
            Runnable measured = () -> fleet.record("GET /stores", 200, 12.345, new CacheStats(1, 0));
            time(baseline, CALLS);
            time(measured, CALLS);
            double[] base = new double[ROUNDS];
            double[] meas = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                base[r] = time(baseline, CALLS);
                meas[r] = time(measured, CALLS);
            }
            java.util.Arrays.sort(base);
            java.util.Arrays.sort(meas);
            double b = base[ROUNDS / 2];
            double m = meas[ROUNDS / 2];
            System.out.printf("field by field (3 round trips): %.1f us/request%n", b);
            System.out.printf("FleetRecorder.record (1 round trip): %.1f us/request%n", m);
            System.out.printf("ratio record / baseline: %.2f%n", m / b);
        }
    }

    /** Microseconds per call over {@code calls} calls. */
    private static double time(Runnable call, int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            call.run();
        }
        return (System.nanoTime() - start) / 1_000.0 / calls;
    }
}
