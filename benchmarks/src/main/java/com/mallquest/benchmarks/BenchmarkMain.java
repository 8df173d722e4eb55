package com.mallquest.benchmarks;

import com.mallquest.local.services.MotoServer;
import com.mallquest.local.testsupport.RedisServer;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the JMH benchmarks against a real moto_server and redis-server started here, then prints each
 * claim as a ratio: the candidate's score over its baseline's, both measured in the same run.
 *
 * <p>Convention: a benchmark has a {@code variant} parameter; the value starting with {@code baseline-}
 * is the baseline the others are compared with.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar [regexp of benchmarks] [-f forks]</pre>
 */
public final class BenchmarkMain {

    private BenchmarkMain() { }

    public static void main(String[] args) throws RunnerException {
        String include = args.length > 0 && !args[0].startsWith("-") ? args[0] : ".*Benchmark.*";
        Integer forks = null;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("-f")) {
                forks = Integer.parseInt(args[i + 1]);
            }
        }
        MotoServer moto = MotoServer.start();
        RedisServer redis = RedisServer.start();
        try {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(include)
                    .jvmArgsAppend("-D" + BenchmarkEnvironment.DYNAMODB + "=" + moto.endpoint(),
                            "-D" + BenchmarkEnvironment.REDIS + "=" + redis.uri());
            if (forks != null) {
                options.forks(forks);
            }
            Collection<RunResult> results = new Runner(options.build()).run();
            System.out.println();
            System.out.println("Ratios (candidate / baseline, same run; lower is better for time modes, higher for throughput):");
            for (String line : ratios(results)) {
                System.out.println("  " + line);
            }
        } finally {
            redis.stop();
            moto.stop();
        }
    }

    static List<String> ratios(Collection<RunResult> results) {
        Map<String, Map<String, RunResult>> byBenchmark = new LinkedHashMap<>();
        for (RunResult r : results) {
            String variant = r.getParams().getParam("variant");
            if (variant == null) {
                continue;
            }
            String key = r.getParams().getBenchmark() + otherParams(r);
            byBenchmark.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(variant, r);
        }
        List<String> lines = new ArrayList<>();
        byBenchmark.forEach((benchmark, variants) -> {
            RunResult baseline = variants.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("baseline-")).map(Map.Entry::getValue).findFirst().orElse(null);
            if (baseline == null) {
                return;
            }
            double base = baseline.getPrimaryResult().getScore();
            variants.forEach((variant, r) -> {
                if (r != baseline) {
                    double score = r.getPrimaryResult().getScore();
                    lines.add(String.format("%s: %s %.3f %s vs %s %.3f %s -> ratio %.2f",
                            benchmark, variant, score, r.getPrimaryResult().getScoreUnit(),
                            baseline.getParams().getParam("variant"), base, baseline.getPrimaryResult().getScoreUnit(),
                            score / base));
                }
            });
        });
        return lines;
    }

    private static String otherParams(RunResult r) {
        StringBuilder sb = new StringBuilder();
        for (String key : r.getParams().getParamsKeys()) {
            if (!key.equals("variant")) {
                sb.append(' ').append(key).append('=').append(r.getParams().getParam(key));
            }
        }
        return sb.toString();
    }
}
