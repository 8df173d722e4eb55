package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@code ./mallquest bench lambda}: the figures of issue 11, each beside its baseline, measured in one run.
 *
 * <ul>
 *   <li><b>Cold start</b> of every function of template.yaml (a fresh container: JVM start, the runtime client's
 *       Init, the first invocation of the function's sample event from {@code events/}), median of
 *       {@code --cold-runs}, beside a bare HTTP API handler ({@code local/bare-function}) started the same way
 *       with the same flags and environment. Runs are interleaved (each round starts every function once) so
 *       that drift on a shared machine hits every figure alike.</li>
 *   <li><b>Warm</b> {@code GET /users/me} (cached) and {@code POST /receipts} (distinct receipts): the runtime's
 *       Duration (event handed out to response received) of {@code --warm} invocations in one warm container,
 *       p50 and p99, beside the bare handler's and beside raw keep-alive HTTP {@code GetItem}/{@code PutItem} round
 *       trips to the same moto_server (the goals: bare p50 + 2 reads, bare p50 + 10 writes, p99 &le; 3&times; p50).</li>
 *   <li><b>Artifacts</b>: each function's {@code CodeUri} jar and each of their layers ({@code java/lib} jars of its
 *       {@code ContentUri}) against the 8 MiB goal, and the code one function loads (its jar and its layers).</li>
 *   <li><b>Ceiling</b>: receipts per second through {@code start-api} (a child process started as
 *       {@code ./mallquest start-api} starts it, its default containers unless {@code --max-containers}) with
 *       {@code --clients} parallel clients, each on its own keep-alive connection, for {@code --seconds} after a
 *       warm-up as long as the window (at least 20 s); the receipts of the window are signed before it. Printed: the CPU seconds each process
 *       spent in the window and per receipt (runner, function JVMs, moto_server, Redis, the load generator): on this
 *       2-core machine that is where the time goes; and how many containers started in the window.</li>
 * </ul>
 *
 * <p>{@code --before DIR}: a built checkout of an earlier commit (its function jars and its runner); every figure
 * is then measured for it too, in the same run, against the same moto_server and Redis, and the table shows
 * before, after and after/before.
 */
final class LambdaBench {

    private static final String BARE_ID = "bare handler";
    private static final String BARE_HANDLER = "com.mallquest.bare.BareHandler::handleRequest";
    private static final long GOAL_ARTIFACT_BYTES = 8L * 1024 * 1024;
    /** Template parameters that keep the rate limits out of the way of a benchmark. */
    private static final Map<String, String> NO_RATE_LIMITS = Map.of(
            "ReceiptRateLimit", "100000000/60s", "UserReadRateLimit", "100000000/60s",
            "ReceiptDailyCoinLimit", "100000000", "ReceiptDailyStoreLimit", "1000");

    /**
     * What to measure: {@code parts} is a subset of cold, warm, artifacts, ceiling; {@code maxContainers} is passed to
     * every side's start-api (empty: start-api's default).
     */
    record Options(int coldRuns, int warm, int warmUp, int clients, int seconds, Optional<Path> before,
                   java.util.Set<String> parts, Optional<Integer> maxContainers) { }

    private final Path root;
    private final com.mallquest.local.services.DevReceiptSigner signer;
    private final Map<String, String> shell;
    private final Path runtimeLib;
    private final Options options;
    private final Consumer<String> out;
    /** The latest lines the functions printed (shown when one fails). */
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final String stamp = UUID.randomUUID().toString().substring(0, 6);
    /** Per side, its sample receipt body (read once). */
    private final Map<Path, JsonNode> receiptSamples = new java.util.concurrent.ConcurrentHashMap<>();

    LambdaBench(Path root, Map<String, String> shell, Path runtimeLib, Options options, Consumer<String> out) {
        this.root = root;
        this.signer = com.mallquest.local.services.DevReceiptSigner.load(root);
        this.shell = shell;
        this.runtimeLib = runtimeLib;
        this.options = options;
        this.out = out;
    }

    /** One measured side: a label and, per function logical id, its definition. */
    /** One measured side: its checkout, its functions and the stack they run on (its own tables and Redis). */
    private record Side(String label, Path root, LocalStack stack) {
        Map<String, FunctionDefinition> functions() {
            return stack.template().functions();
        }

        Map<String, String> environment(String functionId) {
            return stack.function(functionId).environment();
        }
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
            options.before().ifPresent(before -> sides.add(side("before", before, stack)));
            sides.add(new Side(options.before().isPresent() ? "after" : "this", root, stack));
            Map<String, String> baseEnvironment = stack.function(stack.template().functions().keySet().iterator().next()).environment();
            FunctionDefinition bare = new FunctionDefinition(BARE_ID, bareJar, BARE_HANDLER, 1024, 15, Map.of());
            Table table = new Table(sides.stream().map(Side::label).toList());

            out.accept("bench lambda: " + Runtime.getRuntime().availableProcessors() + " CPUs, load "
                    + String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                    + "; template functions: " + String.join(", ", stack.template().functions().keySet()));
            if (options.parts().contains("cold")) {
                coldStarts(stack, sides, bare, baseEnvironment, table);
            }
            if (options.parts().contains("warm")) {
                warm(stack, sides, bare, baseEnvironment, table);
            }
            if (options.parts().contains("artifacts")) {
                artifacts(sides, bareJar, table);
            }
            if (options.parts().contains("ceiling")) {
                ceiling(stack, sides, table);
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
    private Side side(String label, Path before, LocalStack stack) {
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

    // ---- cold start ----------------------------------------------------------------------------------------

    private void coldStarts(LocalStack stack, List<Side> sides, FunctionDefinition bare, Map<String, String> environment, Table table) {
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (int round = 0; round < options.coldRuns(); round++) {
            double[] bareRun = coldStart(bare, environment, bareEvent());
            times.computeIfAbsent(BARE_ID, k -> new ArrayList<>()).add(bareRun[0]);
            cpu.computeIfAbsent(BARE_ID, k -> new ArrayList<>()).add(bareRun[1]);
            for (Side side : sides) {
                for (FunctionDefinition function : side.functions().values()) {
                    Map<String, String> env = side.environment(function.logicalId());
                    double[] run = coldStart(function, env, sampleEvent(side.root(), function.logicalId(), "cold-" + round));
                    times.computeIfAbsent(side.label() + "|" + function.logicalId(), k -> new ArrayList<>()).add(run[0]);
                    cpu.computeIfAbsent(side.label() + "|" + function.logicalId(), k -> new ArrayList<>()).add(run[1]);
                }
            }
            out.accept("  cold-start round " + (round + 1) + "/" + options.coldRuns() + " done");
        }
        double bareMedian = Stats.of(times.get(BARE_ID)).median();
        table.row("cold start: " + BARE_ID + " (baseline)", cells(sides, s -> Stats.of(times.get(BARE_ID)).spread()), "");
        for (String id : stack.template().functions().keySet()) {
            table.row("cold start: " + id, cells(sides, s -> {
                List<Double> t = times.get(s.label() + "|" + id);
                return t == null ? "-" : Stats.of(t).spread() + String.format(" = %.2f× bare", Stats.of(t).median() / bareMedian);
            }), "goal ≤ 2.50× bare");
        }
        // The CPU the container's JVM spent until its first answer: the same work whatever else the machine runs, so
        // on a busy machine it shows a lever's direction where the wall times above scatter.
        double bareCpu = Stats.of(cpu.get(BARE_ID)).median();
        table.row("cold start CPU: " + BARE_ID + " (baseline)", cells(sides, s -> Stats.of(cpu.get(BARE_ID)).spread()), "");
        for (String id : stack.template().functions().keySet()) {
            table.row("cold start CPU: " + id, cells(sides, s -> {
                List<Double> t = cpu.get(s.label() + "|" + id);
                return t == null ? "-" : Stats.of(t).spread() + String.format(" = %.2f× bare", Stats.of(t).median() / bareCpu);
            }), "JVM CPU until the first answer");
        }
    }

    /**
     * A fresh container's first invocation: its wall time (JVM start, Init, the invocation) and the CPU time its JVM
     * spent until then (ms, both).
     */
    private double[] coldStart(FunctionDefinition function, Map<String, String> environment, byte[] event) {
        try (LocalFunction fresh = new LocalFunction(function, environment, runtimeLib, this::logLine, 1)) {
            long start = System.nanoTime();
            InvocationResult result = fresh.invoke(event);
            double ms = (System.nanoTime() - start) / 1e6;
            requireSuccess(function.logicalId(), result);
            String handler = function.handler();
            double cpuMs = ProcessHandle.current().children()
                    .filter(p -> p.isAlive() && commandLine(p).contains(handler))
                    .map(LambdaBench::cpuOf).reduce(Duration.ZERO, Duration::plus).toNanos() / 1e6;
            return new double[] {ms, cpuMs};
        }
    }

    // ---- warm ----------------------------------------------------------------------------------------------

    private void warm(LocalStack stack, List<Side> sides, FunctionDefinition bare, Map<String, String> environment, Table table) {
        Stats bareStats = warmDurations(bare, environment, i -> bareEvent());
        RawDynamo raw = new RawDynamo(stack.backends().dynamoDbEndpoint(), stack.backends().tableNames().get("UsersTable"));
        Stats rawRead = raw.getItems(options.warm());
        Stats rawWrite = raw.putItems(options.warm());
        table.row("warm: " + BARE_ID + " p50 / p99 (baseline)", cells(sides, s -> bareStats.p50p99()), "");
        table.row("warm: raw GetItem / PutItem p50, keep-alive HTTP", cells(sides, s -> String.format("%.2f / %.2f ms", rawRead.median(), rawWrite.median())), "");
        for (String route : List.of("GET /users/me", "POST /receipts")) {
            String functionId = stack.template().routes().stream().filter(r -> r.routeKey().equals(route)).findFirst()
                    .map(LocalTemplate.Route::functionId).orElse(null);
            if (functionId == null) {
                continue;
            }
            boolean read = route.startsWith("GET");
            double goal = bareStats.median() + (read ? 2 * rawRead.median() : 10 * rawWrite.median());
            table.row("warm: " + route + (read ? " (cached)" : " (distinct receipts)") + " p50 / p99", cells(sides, s -> {
                FunctionDefinition function = s.functions().get(functionId);
                if (function == null) {
                    return "-";
                }
                Stats stats = warmDurations(function, s.environment(functionId),
                        i -> sampleEvent(s.root(), functionId, s.label() + "-warm-" + i));
                return stats.p50p99() + String.format(" (p99 %.1f× p50)", stats.quantile(0.99) / stats.median());
            }), String.format("goal p50 ≤ %.2f ms (bare + %s), p99 ≤ 3× p50", goal, read ? "2 reads" : "10 writes"));
        }
    }

    private interface EventSource {
        byte[] event(int i);
    }

    /**
     * Runtime Durations of {@code options.warm()} invocations in one warm container, after {@code options.warmUp()}
     * to warm it: with the template's {@code TieredStopAtLevel=1} a method is compiled after about 200 calls, so fewer
     * warm-up calls measure the JIT at work, not a warm container.
     */
    private Stats warmDurations(FunctionDefinition function, Map<String, String> environment, EventSource events) {
        try (LocalFunction container = new LocalFunction(function, environment, runtimeLib, this::logLine, 1)) {
            for (int i = 0; i < options.warmUp(); i++) {
                requireSuccess(function.logicalId(), container.invoke(events.event(-1 - i)));
            }
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < options.warm(); i++) {
                InvocationResult result = container.invoke(events.event(i));
                requireSuccess(function.logicalId(), result);
                ms.add(result.duration().toNanos() / 1e6);
            }
            return Stats.of(ms);
        }
    }

    // ---- artifacts -----------------------------------------------------------------------------------------

    private void artifacts(List<Side> sides, Path bareJar, Table table) {
        table.row("artifact: " + BARE_ID, cells(sides, s -> mib(size(bareJar))), "");
        List<String> ids = sides.get(sides.size() - 1).functions().keySet().stream().toList();
        for (String id : ids) {
            table.row("artifact: " + id, cells(sides, s -> {
                FunctionDefinition f = s.functions().get(id);
                return f == null ? "-" : mib(size(f.artifact())) + String.format(" = %.2f× goal", size(f.artifact()) / (double) GOAL_ARTIFACT_BYTES);
            }), "goal ≤ 8 MiB");
        }
        // Each layer the functions use (its java/lib jars, relative to the side's root), and one function's whole code.
        java.util.Set<Path> layers = new java.util.LinkedHashSet<>();
        for (Side side : sides) {
            side.functions().values().forEach(f -> f.layers().forEach(lib -> layers.add(side.root().relativize(lib))));
        }
        for (Path layer : layers) {
            table.row("artifact: layer " + layer, cells(sides, s -> {
                long bytes = layerBytes(s, layer);
                return bytes < 0 ? "-" : mib(bytes) + String.format(" = %.2f× goal", bytes / (double) GOAL_ARTIFACT_BYTES);
            }), "goal ≤ 8 MiB (one layer shared by every function)");
        }
        if (!layers.isEmpty()) {
            table.row("artifact: largest function + its layers (the code one function loads)", cells(sides, s ->
                    mib(s.functions().values().stream()
                            .mapToLong(f -> size(f.artifact()) + f.layerJars().stream().mapToLong(LambdaBench::size).sum())
                            .max().orElse(0))), "");
        }
    }

    /** The bytes of the layer jars at {@code layer} (relative to the side's root), or -1 when no function of it uses it. */
    private static long layerBytes(Side side, Path layer) {
        Path lib = side.root().resolve(layer).normalize();
        return side.functions().values().stream().filter(f -> f.layers().contains(lib)).findFirst()
                .map(f -> f.layerJars().stream().filter(j -> j.startsWith(lib)).mapToLong(LambdaBench::size).sum())
                .orElse(-1L);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mib(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0); // a thin function jar
        }
        return String.format("%.1f MiB", bytes / 1024.0 / 1024.0);
    }

    // ---- the local API's ceiling ---------------------------------------------------------------------------

    private void ceiling(LocalStack stack, List<Side> sides, Table table) {
        Map<String, Ceiling> results = new LinkedHashMap<>();
        for (Side side : sides) {
            results.put(side.label(), ceiling(stack, side));
        }
        double before = results.values().iterator().next().perSecond;
        table.row("start-api: POST /receipts, " + options.clients() + " clients, receipts/s", cells(sides, s -> {
            Ceiling c = results.get(s.label());
            return String.format("%.1f/s (p50 %.0f ms, p99 %.0f ms, %d failed, %d cold starts in the window)", c.perSecond,
                    c.latency.median(), c.latency.quantile(0.99), c.failed, c.coldStarts)
                    + (sides.size() > 1 && !s.label().equals(sides.get(0).label()) ? String.format(" = %.2f× before", c.perSecond / before) : "");
        }), "goal ≥ 4× before (issue: 18/s)");
        table.row("start-api: CPU seconds in the window", cells(sides, s -> results.get(s.label()).cpuSeconds()), "where the time goes");
        table.row("start-api: CPU ms per receipt", cells(sides, s -> results.get(s.label()).cpuPerReceipt()),
                "on 2 cores the ceiling is ≈ 2000 ms / the total");
    }

    /** One side's ceiling: throughput, latency, failures, cold starts and CPU per process in the measured window. */
    private record Ceiling(double perSecond, Stats latency, int failed, long coldStarts, long receipts, double seconds,
                           Map<String, Double> cpu) {
        String cpuSeconds() {
            StringBuilder text = new StringBuilder();
            cpu.forEach((name, s) -> text.append(text.length() == 0 ? "" : ", ").append(String.format("%s %.1f", name, s)));
            return text + String.format(" of %.1f wall", seconds);
        }

        String cpuPerReceipt() {
            StringBuilder text = new StringBuilder();
            double total = 0;
            for (Map.Entry<String, Double> e : cpu.entrySet()) {
                double ms = receipts == 0 ? 0 : e.getValue() * 1000 / receipts;
                total += ms;
                text.append(text.length() == 0 ? "" : ", ").append(String.format("%s %.1f", e.getKey(), ms));
            }
            return text + String.format(" = %.1f ms", total);
        }
    }

    /** Starts {@code side}'s runner as {@code ./mallquest start-api} does, loads it, and stops it. */
    private Ceiling ceiling(LocalStack stack, Side side) {
        int port = freePort();
        Path runner = side.root().resolve("local/runner/target");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(runnerJvmOptions(side.root()));
        command.addAll(List.of(
                "-Dmallquest.repo.root=" + side.root(), "-Dmallquest.lambda.runtime=" + runner.resolve("lambda-runtime"),
                "-cp", runner.resolve("local-runner.jar") + ":" + runner.resolve("lib") + "/*", Main.class.getName(),
                "start-api", "--port", Integer.toString(port), "--table-prefix", "bench-" + stamp + "-" + side.label() + "-"));
        options.maxContainers().ifPresent(n -> command.addAll(List.of("--max-containers", Integer.toString(n))));
        command.add("--parameter-overrides");
        rateLimitOverrides(side.root().resolve("template.yaml")).forEach((k, v) -> command.add(k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(command).directory(side.root().toFile()).redirectErrorStream(true);
        builder.environment().put("DYNAMODB_ENDPOINT", stack.backends().dynamoDbEndpoint().toString());
        builder.environment().put("REDIS_URL", stack.backends().cacheUrl());
        Path runnerLog;
        Process process;
        try {
            runnerLog = Files.createTempFile("bench-start-api-" + side.label() + "-", ".log");
            process = builder.redirectOutput(runnerLog.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            waitForPort(port, process, runnerLog);
            LocalJwt jwt = new LocalJwt(LocalJwt.secretFrom(shell), stack.template().jwtRules(), Clock.systemUTC());
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < options.clients(); i++) {
                tokens.add(jwt.issue("bench-" + stamp + "-" + side.label() + "-" + i, List.of(), 3600));
            }
            // warm-up (the same for every side, as long as the window and at least 20 s): every container the runner
            // keeps starts (and, on an old runner, may crash and restart), the JITs warm (a fresh runner's C2 spent
            // 40 % of its CPU in a window after 10 s of warm-up); receipts signed as they go
            Duration warmUp = Duration.ofSeconds(Math.max(20, options.seconds()));
            AtomicLong warmed = new AtomicLong();
            ReceiptBodies inline = new ReceiptBodies(side.root(), "warm", List.of());
            load(port, tokens, warmUp, inline, warmed, new AtomicInteger(), null);
            // the window's receipts are signed before it, as tills sign theirs on their own machines: the load
            // generator's CPU in the window is then what the clients' HTTP costs (4× the warm-up's rate, which
            // includes the JITs' warming, and at least 5 per client-second; should they run out, the rest is signed
            // inline, counted and printed)
            int needed = (int) Math.max(5L * options.clients() * options.seconds(),
                    warmed.get() * 4 * options.seconds() / Math.max(1, warmUp.toSeconds()));
            ReceiptBodies bodies = new ReceiptBodies(side.root(), "ceiling", presign(side.root(), needed));
            long logBefore = coldStartLines(runnerLog);
            Map<String, Duration> cpuBefore = cpu(process, stack);
            long start = System.nanoTime();
            AtomicLong ok = new AtomicLong();
            AtomicInteger failed = new AtomicInteger();
            List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
            load(port, tokens, Duration.ofSeconds(options.seconds()), bodies, ok, failed, latencies);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Duration> cpuAfter = cpu(process, stack);
            long coldStarts = coldStartLines(runnerLog) - logBefore;
            Map<String, Double> cpu = new LinkedHashMap<>();
            cpuAfter.forEach((name, after) -> cpu.put(name,
                    (after.toMillis() - cpuBefore.getOrDefault(name, Duration.ZERO).toMillis()) / 1000.0));
            out.accept("  start-api (" + side.label() + ", runner JVM options " + runnerJvmOptions(side.root()) + "): " + ok.get()
                    + " receipts in " + String.format("%.1f s", seconds)
                    + (bodies.signedInline() > 0 ? " (" + bodies.signedInline() + " signed inline)" : ""));
            return new Ceiling(ok.get() / seconds, Stats.of(latencies.isEmpty() ? List.of(0.0) : latencies), failed.get(),
                    coldStarts, ok.get(), seconds, cpu);
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The JVM options the side's runner starts with: its checkout's {@value RunnerJvmOptions#FILE}, or, for a checkout
     * older than that file, this checkout's (the same runner flags on both sides: the code is what is compared).
     */
    private List<String> runnerJvmOptions(Path sideRoot) {
        return RunnerJvmOptions.of(sideRoot).or(() -> RunnerJvmOptions.of(root)).orElse(List.of());
    }

    /** How many containers the runner has started so far: its {@code INIT <function> Init Duration} lines. */
    private static long coldStartLines(Path runnerLog) {
        try (java.util.stream.Stream<String> lines = Files.lines(runnerLog, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("] INIT ") && l.contains("Init Duration")).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private List<String> presign(Path sideRoot, int n) {
        List<String> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            bodies.add(receiptBody(sideRoot, "ceiling-pre-" + i + "-" + System.nanoTime()));
        }
        return bodies;
    }

    /** Distinct receipt bodies for the clients: signed ahead of time while they last, then inline. */
    private final class ReceiptBodies {
        private final Path sideRoot;
        private final String label;
        private final ConcurrentLinkedQueue<String> ready;
        private final AtomicLong inline = new AtomicLong();

        ReceiptBodies(Path sideRoot, String label, List<String> ready) {
            this.sideRoot = sideRoot;
            this.label = label;
            this.ready = new ConcurrentLinkedQueue<>(ready);
        }

        String next(int client, int n) {
            String body = ready.poll();
            if (body != null) {
                return body;
            }
            inline.incrementAndGet();
            return receiptBody(sideRoot, label + "-" + client + "-" + n + "-" + System.nanoTime());
        }

        long signedInline() {
            return inline.get();
        }
    }

    /** {@code tokens.size()} clients, each on its own keep-alive connection, POSTing receipts until {@code length} is up. */
    private void load(int port, List<String> tokens, Duration length, ReceiptBodies bodies, AtomicLong ok, AtomicInteger failed,
                      List<Double> latencies) {
        long end = System.nanoTime() + length.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(tokens.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < tokens.size(); c++) {
                String token = tokens.get(c);
                int client = c;
                running.add(clients.submit(() -> {
                    try (KeepAliveClient http = new KeepAliveClient(port, "Bearer " + token)) {
                        int n = 0;
                        while (System.nanoTime() < end) {
                            byte[] body = bodies.next(client, n++).getBytes(StandardCharsets.UTF_8);
                            long t = System.nanoTime();
                            try {
                                int status = http.post("/receipts", body);
                                if (status / 100 == 2) {
                                    ok.incrementAndGet();
                                    if (latencies != null) {
                                        latencies.add((System.nanoTime() - t) / 1e6);
                                    }
                                } else {
                                    failed.incrementAndGet();
                                }
                            } catch (IOException e) {
                                failed.incrementAndGet();
                                http.reconnect();
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * One client's HTTP/1.1 keep-alive connection to start-api, as a browser keeps one: a request written in one go,
     * the response read by its {@code Content-Length} (or chunks). A plain blocking socket, so that the load
     * generator's own CPU per request stays small beside what it measures.
     */
    private static final class KeepAliveClient implements AutoCloseable {
        private final int port;
        private final String authorization;
        private Socket socket;
        private OutputStream out;
        private InputStream in;

        KeepAliveClient(int port, String authorization) {
            this.port = port;
            this.authorization = authorization;
        }

        int post(String path, byte[] body) throws IOException {
            if (socket == null) {
                socket = new Socket("127.0.0.1", port);
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(60_000);
                out = socket.getOutputStream();
                in = new java.io.BufferedInputStream(socket.getInputStream());
            }
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: " + authorization
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            out.write(request);
            out.flush();
            String status = RawDynamo.line(in);
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String header = RawDynamo.line(in); !header.isEmpty(); header = RawDynamo.line(in)) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (int size = Integer.parseInt(RawDynamo.line(in).trim(), 16); size > 0; size = Integer.parseInt(RawDynamo.line(in).trim(), 16)) {
                    in.readNBytes(size);
                    RawDynamo.line(in);
                }
                RawDynamo.line(in);
            } else if (length > 0) {
                in.readNBytes(length);
            }
            if (close) {
                reconnect();
            }
            return Integer.parseInt(status.split(" ")[1]);
        }

        void reconnect() {
            close();
            socket = null;
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    /** CPU time so far of the runner, its function JVMs, moto_server, Redis and this JVM (the load generator). */
    private static Map<String, Duration> cpu(Process runner, LocalStack stack) {
        Map<String, Duration> cpu = new LinkedHashMap<>();
        cpu.put("runner", cpuOf(runner.toHandle()));
        cpu.put("functions", runner.descendants().map(LambdaBench::cpuOf).reduce(Duration.ZERO, Duration::plus));
        String dynamoDbPort = Integer.toString(stack.backends().dynamoDbEndpoint().getPort());
        URI redis = URI.create(stack.backends().cacheUrl());
        cpu.put("moto_server", ProcessHandle.allProcesses().filter(p -> commandLine(p).contains("moto_server")
                && commandLine(p).contains(dynamoDbPort))
                .map(LambdaBench::cpuOf).reduce(Duration.ZERO, Duration::plus));
        cpu.put("redis", ProcessHandle.allProcesses().filter(p -> commandLine(p).contains("redis-server")
                && redisPort(p) == redis.getPort()).map(LambdaBench::cpuOf).reduce(Duration.ZERO, Duration::plus));
        cpu.put("load generator", cpuOf(ProcessHandle.current()));
        return cpu;
    }

    /** The process's command line as {@code /proc} shows it (a program may rewrite it, as redis-server does). */
    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }

    /**
     * The port a redis-server listens on: redis-server rewrites its process title to {@code redis-server host:port},
     * so that is what {@code /proc} shows as its command line.
     */
    private static int redisPort(ProcessHandle p) {
        java.util.regex.Matcher port = java.util.regex.Pattern.compile(":(\\d+)$").matcher(commandLine(p).trim());
        return port.find() ? Integer.parseInt(port.group(1)) : -1;
    }

    private static Duration cpuOf(ProcessHandle p) {
        return p.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static void waitForPort(int port, Process process, Path runnerLog) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new UserError("start-api exited early; its output: " + tail(runnerLog));
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                sleep(200);
            }
        }
        throw new UserError("start-api did not listen on " + port + " within 120 s; its output: " + tail(runnerLog));
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    // ---- events --------------------------------------------------------------------------------------------

    private byte[] bareEvent() {
        return sampleEvent(root, "GetUserFunction", "bare");
    }

    /**
     * The function's sample event from the side's {@code events/}, made distinct where it must be: a receipt
     * submission gets a receipt id of its own (a repeated id would be a replay, not a credit).
     */
    private byte[] sampleEvent(Path sideRoot, String functionId, String unique) {
        Path file = sideRoot.resolve("events/" + functionId + ".json");
        try {
            JsonNode event = JsonText.parse(Files.readAllBytes(file), "Sample event " + file);
            if ("POST /receipts".equals(event.path("routeKey").asText()) && event.has("body")) {
                ((ObjectNode) event).put("body", receiptBody(sideRoot, stamp + "-" + unique));
            }
            return JsonText.MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UserError("Cannot read the sample event " + file + ": " + e.getMessage());
        }
    }

    /**
     * A receipt body in the side's own format, with its own id: a signed code ({@code {"code":…}}, the seed's
     * development key) when the side's sample is one, else the sample's plain fields (checkouts before signed codes).
     */
    private String receiptBody(Path sideRoot, String unique) {
        try {
            JsonNode sample = receiptSamples.computeIfAbsent(sideRoot, LambdaBench::receiptSample);
            if (!sample.has("code")) {
                ObjectNode body = ((ObjectNode) sample).deepCopy();
                body.put("receiptId", "B-" + unique);
                return JsonText.MAPPER.writeValueAsString(body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "{\"code\":\"" + signer.sign("zara", "B-" + unique, new java.math.BigDecimal("59.90"),
                java.time.Instant.now().minusSeconds(60), null) + "\"}";
    }

    /** The body of the side's sample receipt submission. */
    private static JsonNode receiptSample(Path sideRoot) {
        Path file = sideRoot.resolve("events/SubmitReceiptFunction.json");
        try {
            return JsonText.MAPPER.readTree(JsonText.parse(Files.readAllBytes(file), "Sample event " + file).get("body").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parameters of {@link #NO_RATE_LIMITS} that {@code template} declares (an older one lacks some). */
    private static Map<String, String> rateLimitOverrides(Path template) {
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

    private void logLine(String line) {
        log.add(line);
        while (log.size() > 200) {
            log.poll();
        }
    }

    private void requireSuccess(String functionId, InvocationResult result) {
        if (!result.succeeded()) {
            throw new UserError(functionId + " failed in the benchmark: " + result.outcome() + " " + result.payloadText()
                    + "\nits last lines:\n" + String.join("\n", log));
        }
        try {
            int status = JsonText.MAPPER.readTree(result.payload()).path("statusCode").asInt(200);
            if (status >= 400) {
                throw new UserError(functionId + " answered " + status + " in the benchmark: " + result.payloadText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> cells(List<Side> sides, java.util.function.Function<Side, String> cell) {
        return sides.stream().map(cell).toList();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Sorted samples in milliseconds. */
    record Stats(double[] sorted) {
        static Stats of(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(v);
            return new Stats(v);
        }

        double quantile(double q) {
            int index = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        double median() {
            return quantile(0.5);
        }

        /** {@code median (min–max)}, the spread of a few runs. */
        String spread() {
            return String.format("%.0f ms (%.0f–%.0f)", median(), sorted[0], sorted[sorted.length - 1]);
        }

        String p50p99() {
            return String.format("%.2f / %.2f ms", median(), quantile(0.99));
        }
    }

    /** Raw keep-alive HTTP calls to the DynamoDB API: the floor a request's round trips cannot go below. */
    private static final class RawDynamo {
        private final URI endpoint;
        private final String table;

        RawDynamo(URI endpoint, String table) {
            this.endpoint = endpoint;
            this.table = table;
        }

        Stats getItems(int n) {
            return calls(n, "GetItem", i -> "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"USER#demo-user\"},\"sk\":{\"S\":\"PROFILE\"}}}");
        }

        Stats putItems(int n) {
            return calls(n, "PutItem", i -> "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"BENCH#raw\"},\"sk\":{\"S\":\"" + i
                    + "\"},\"n\":{\"N\":\"" + i + "\"}}}");
        }

        private Stats calls(int n, String operation, java.util.function.IntFunction<String> body) {
            try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
                List<Double> ms = new ArrayList<>();
                for (int i = -20; i < n; i++) {
                    byte[] payload = body.apply(i).getBytes(StandardCharsets.UTF_8);
                    String head = "POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort()
                            + "\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810." + operation
                            + "\r\nAuthorization: AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
                            + "SignedHeaders=host, Signature=00\r\nX-Amz-Date: 20260101T000000Z\r\nContent-Length: " + payload.length + "\r\n\r\n";
                    long t = System.nanoTime();
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    out.write(payload);
                    out.flush();
                    int status = readResponse(in);
                    if (i >= 0) {
                        ms.add((System.nanoTime() - t) / 1e6);
                    }
                    if (status != 200) {
                        throw new IllegalStateException("raw " + operation + " answered " + status);
                    }
                }
                return Stats.of(ms);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Reads one HTTP/1.1 response with a Content-Length body; returns its status. */
        private static int readResponse(InputStream in) throws IOException {
            String status = line(in);
            int length = 0;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            in.readNBytes(length);
            return Integer.parseInt(status.split(" ")[1]);
        }

        static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }

    /** The printed result: one row per figure, one column per side, and the goal. */
    private static final class Table {
        private final List<String> sides;
        private final List<List<String>> rows = new ArrayList<>();

        Table(List<String> sides) {
            this.sides = sides;
        }

        void row(String figure, List<String> cells, String goal) {
            List<String> row = new ArrayList<>();
            row.add(figure);
            row.addAll(cells);
            row.add(goal);
            rows.add(row);
        }

        void print(Consumer<String> out) {
            List<String> header = new ArrayList<>();
            header.add("figure");
            header.addAll(sides);
            header.add("goal");
            out.accept("");
            out.accept("| " + String.join(" | ", header) + " |");
            out.accept("|" + "---|".repeat(header.size()));
            rows.forEach(r -> out.accept("| " + String.join(" | ", r) + " |"));
        }
    }
}
