package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.LocalStack;
import com.mallquest.local.runner.Main;
import com.mallquest.local.runner.UsageError;
import com.mallquest.local.runner.UserError;
import com.mallquest.local.services.RepositoryRoot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code ./mallquest bench lambda}: cold start ({@link ColdStart}), warm latency ({@link WarmLatency}), artifact sizes
 * ({@link ArtifactSizes}) and the local API's ceiling ({@link ApiCeiling}), each beside its baseline, measured in one
 * run and printed as one table.
 *
 * <p>{@code --before DIR}: a built checkout of an earlier commit (its function jars and its runner); every figure is
 * then measured for it too, in the same run, against the same moto_server and Redis, and the table shows before, after
 * and after/before. The runner's {@code Main} starts this class in a JVM of its own from the benchmarks jar.
 */
public final class LambdaBench {

    /** Template parameters that keep the rate limits out of the way of a benchmark. */
    private static final Map<String, String> NO_RATE_LIMITS = Map.of(
            "ReceiptRateLimit", "100000000/60s", "UserReadRateLimit", "100000000/60s",
            "ReceiptDailyCoinLimit", "100000000", "ReceiptDailyStoreLimit", "1000");

    private final Path root;
    private final Map<String, String> shell;
    private final Path runtimeLib;
    private final BenchOptions options;
    private final Consumer<String> out;
    private final String stamp = UUID.randomUUID().toString().substring(0, 6);

    LambdaBench(Path root, Map<String, String> shell, Path runtimeLib, BenchOptions options, Consumer<String> out) {
        this.root = root;
        this.shell = shell;
        this.runtimeLib = runtimeLib;
        this.options = options;
        this.out = out;
    }

    /** {@code bench lambda [options]}: exit 0, 1 for a problem the user can fix, 2 for a bad command line. */
    public static void main(String[] args) {
        int status;
        try {
            BenchOptions options = BenchOptions.parse(List.of(args));
            Path root = RepositoryRoot.locate();
            Path runtimeLib = Optional.ofNullable(System.getProperty(Main.RUNTIME_LIB_PROPERTY)).map(Path::of)
                    .orElse(root.resolve("local/runner/target/lambda-runtime"));
            status = new LambdaBench(root, System.getenv(), runtimeLib, options, line -> {
                System.out.println(line);
                System.out.flush();
            }).run();
        } catch (UsageError e) {
            System.err.println("mallquest: " + e.getMessage() + " (./mallquest help lists the options)");
            status = 2;
        } catch (UserError e) {
            System.err.println("mallquest: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    int run() {
        Path bareJar = root.resolve("local/bare-function/target/bare-function.jar");
        if (!Files.isRegularFile(bareJar)) {
            throw new UserError("The baseline " + bareJar + " is missing; build with: mvn -q -DskipTests package");
        }
        LocalStack.Options stackOptions = new LocalStack.Options(root, root.resolve("template.yaml"), shell, NO_RATE_LIMITS,
                Optional.of(root.resolve(Main.SAMPLE_ENV_VARS)), "bench-" + stamp + "-", 1, runtimeLib, line -> { }, (id, line) -> { });
        List<Side> sides = new ArrayList<>();
        try (LocalStack stack = LocalStack.open(stackOptions, Optional.empty())) {
            options.before().ifPresent(before -> sides.add(before("before", before, stack)));
            sides.add(new Side(options.before().isPresent() ? "after" : "this", root, stack));
            List<String> functionIds = List.copyOf(stack.template().functions().keySet());
            Bare bare = Bare.of(bareJar, stack.function(functionIds.get(0)).environment());
            SampleEvents events = new SampleEvents(root, stamp);
            Containers containers = new Containers(runtimeLib);
            ResultTable table = new ResultTable(sides);

            out.accept("bench lambda: " + Runtime.getRuntime().availableProcessors() + " CPUs, load "
                    + String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                    + "; template functions: " + String.join(", ", functionIds));
            if (options.parts().contains("cold")) {
                new ColdStart(containers, events, out).measure(options.coldRuns(), sides, functionIds, bare, table);
            }
            if (options.parts().contains("warm")) {
                new WarmLatency(containers, events, options.warm(), options.warmUp()).measure(stack, bare, table);
            }
            if (options.parts().contains("artifacts")) {
                ArtifactSizes.measure(sides, bareJar, table);
            }
            if (options.parts().contains("ceiling")) {
                new ApiCeiling(root, shell, events, stamp, options, out).measure(stack, sides, table);
            }
            table.print(out);
            return 0;
        } finally {
            sides.stream().filter(s -> !s.root().equals(root)).forEach(s -> s.stack().close());
        }
    }

    /**
     * The earlier checkout on a stack of its own: its template, its own tables (its item layout may differ) and its
     * own Redis, on the same moto_server.
     */
    private Side before(String label, Path before, LocalStack stack) {
        if (!Files.isRegularFile(before.resolve("template.yaml"))) {
            throw new UserError("--before " + before + " has no template.yaml");
        }
        Map<String, String> beforeShell = new LinkedHashMap<>(shell);
        beforeShell.put("DYNAMODB_ENDPOINT", stack.backends().dynamoDbEndpoint().toString());
        beforeShell.remove("REDIS_URL");
        // its sample events' settings: events/env.json, or local/env.json in checkouts before signed receipts
        Path envVars = Files.isRegularFile(before.resolve(Main.SAMPLE_ENV_VARS)) ? before.resolve(Main.SAMPLE_ENV_VARS)
                : before.resolve("local/env.json");
        return new Side(label, before, LocalStack.open(new LocalStack.Options(before, before.resolve("template.yaml"), beforeShell,
                rateLimitOverrides(before.resolve("template.yaml")), Files.isRegularFile(envVars) ? Optional.of(envVars) : Optional.empty(),
                "bench-" + stamp + "-" + label + "-", 1, runtimeLib, line -> { }, (id, line) -> { }), Optional.empty()));
    }

    /** The parameters of {@link #NO_RATE_LIMITS} that {@code template} declares (an older one lacks some). */
    static Map<String, String> rateLimitOverrides(Path template) {
        try {
            String text = Files.readString(template);
            Map<String, String> declared = new LinkedHashMap<>();
            NO_RATE_LIMITS.forEach((k, v) -> {
                if (text.contains("\n  " + k + ":")) {
                    declared.put(k, v);
                }
            });
            return declared;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
