package com.mallquest.benchmarks;

import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.platform.dynamo.BatchWrite;
import com.mallquest.core.platform.dynamo.BatchWriteResult;
import com.mallquest.core.platform.dynamo.BatchWriter;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Claim: writing 1,000 items with four chunks in flight is faster than one chunk at a time (both 40
 * BatchWriteItem calls), on a real moto_server. The cleanup job's deletes use this path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BatchWriterBenchmark {

    /** {@code baseline-sequential}: one call at a time; {@code parallel-4}: four in flight. */
    @Param({"parallel-4", "baseline-sequential"})
    public String variant;

    private ExecutorService executor;
    private BatchWriter writer;
    private String table;
    private int round;

    @Setup
    public void setUp() {
        Platform core = Platform.fromEnvironment(BenchmarkBackends.environment());
        table = core.settings().usersTable();
        BatchWriter.Builder builder = BatchWriter.builder(core.dynamoDb()).keySchema(table, "pk", "sk");
        if (variant.equals("parallel-4")) {
            executor = Executors.newFixedThreadPool(4);
            builder.parallel(executor, 4);
        }
        writer = builder.build();
    }

    @TearDown
    public void tearDown() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Benchmark
    public BatchWriteResult write1000() {
        int r = round++;
        List<BatchWrite> writes = new ArrayList<>(1000);
        for (int i = 0; i < 1000; i++) {
            writes.add(BatchWrite.put(table, Map.of(
                    "pk", AttributeValue.fromS("BENCH#" + r),
                    "sk", AttributeValue.fromS("ITEM#" + i),
                    "payload", AttributeValue.fromS("x".repeat(100)))));
        }
        BatchWriteResult result = writer.write(writes);
        if (!result.failures().isEmpty()) {
            throw new IllegalStateException("benchmark writes failed: " + result.failures().size());
        }
        return result;
    }
}
