package com.mallquest.benchmarks;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.cache.Caches;
import com.mallquest.core.platform.config.Settings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Claim: a credit's six leaderboard scripts (week, month, all time × mall, store: six hash tags) cost less sent
 * together in one {@link CacheBatch} (one pipeline, one round trip) than one after the other
 * ({@code baseline-one-by-one}, six round trips), through the production cache (fallback over Redis) on a real
 * redis-server. Each invocation adds a new marker, so every script does the full update.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CacheBatchBenchmark {

    /** {@code baseline-one-by-one}: six {@link Cache#rankedAddOnce} calls; {@code pipelined}: one batch of six. */
    @Param({"pipelined", "baseline-one-by-one"})
    public String variant;

    private Cache cache;
    private final String[] boards = new String[6];
    private final Instant expireAt = Instant.now().plusSeconds(3_600);
    private final Instant markedAt = Instant.now();
    private final Instant markersFrom = markedAt.minusSeconds(7 * 86_400);
    private long marker;

    @Setup
    public void setUp() {
        cache = Caches.create(Settings.fromEnvironment(BenchmarkBackends.environment()));
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < boards.length; i++) {
            boards[i] = "bench-" + run + "-" + i;
        }
    }

    @Benchmark
    public int addToSixBoards() {
        String credit = "c" + marker++;
        if (variant.equals("baseline-one-by-one")) {
            int added = 0;
            for (String board : boards) {
                added += cache.rankedAddOnce(CacheKeys.build("lb", board, "scores"), CacheKeys.build("lb", board, "marks"),
                        credit, "ann", 10, 1, markedAt, markersFrom, expireAt) ? 1 : 0;
            }
            return added;
        }
        CacheBatch batch = new CacheBatch();
        java.util.List<CacheBatch.Result<Boolean>> results = new java.util.ArrayList<>();
        for (String board : boards) {
            results.add(batch.rankedAddOnce(CacheKeys.build("lb", board, "scores"), CacheKeys.build("lb", board, "marks"),
                    credit, "ann", 10, 1, markedAt, markersFrom, expireAt));
        }
        cache.execute(batch);
        return (int) results.stream().filter(CacheBatch.Result::get).count();
    }
}
