package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.LocalJwt;
import com.mallquest.local.runner.LocalStack;
import com.mallquest.local.runner.Main;
import com.mallquest.local.runner.RunnerJvmOptions;
import com.mallquest.local.runner.UserError;
import com.mallquest.local.services.RepositoryRoot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The local API's ceiling: receipts per second through {@code start-api} (a child process started as
 * {@code ./mallquest start-api} starts it, its default containers unless {@code --max-containers}) with
 * {@code --clients} parallel clients for {@code --seconds} after a warm-up as long as the window (at least 20 s); the
 * receipts of the window are signed before it. Printed: the CPU seconds each process spent in the window and per
 * receipt (runner, function JVMs, moto_server, Redis, the load generator): on a 2-core machine that is where the time
 * goes; and how many containers started in the window.
 */
final class ApiCeiling {

    private final Path root;
    private final Map<String, String> shell;
    private final SampleEvents events;
    private final String stamp;
    private final int clients;
    private final int seconds;
    private final Optional<Integer> maxContainers;
    private final Consumer<String> out;

    ApiCeiling(Path root, Map<String, String> shell, SampleEvents events, String stamp, BenchOptions options, Consumer<String> out) {
        this.root = root;
        this.shell = shell;
        this.events = events;
        this.stamp = stamp;
        this.clients = options.clients();
        this.seconds = options.seconds();
        this.maxContainers = options.maxContainers();
        this.out = out;
    }

    /** Loads every side's start-api in turn (on {@code stack}'s moto_server and Redis) and adds the rows to {@code table}. */
    void measure(LocalStack stack, List<Side> sides, ResultTable table) {
        Map<String, Result> results = new LinkedHashMap<>();
        for (Side side : sides) {
            results.put(side.label(), measure(stack, side));
        }
        double before = results.values().iterator().next().perSecond;
        table.row("start-api: POST /receipts, " + clients + " clients, receipts/s", s -> {
            Result c = results.get(s.label());
            return String.format("%.1f/s (p50 %.0f ms, p99 %.0f ms, %d failed, %d cold starts in the window)", c.perSecond,
                    c.latency.median(), c.latency.quantile(0.99), c.failed, c.coldStarts)
                    + (sides.size() > 1 && !s.label().equals(sides.get(0).label()) ? String.format(" = %.2f× before", c.perSecond / before) : "");
        }, "goal ≥ 4× before (issue: 18/s)");
        table.row("start-api: CPU seconds in the window", s -> results.get(s.label()).cpuSeconds(), "where the time goes");
        table.row("start-api: CPU ms per receipt", s -> results.get(s.label()).cpuPerReceipt(),
                "on 2 cores the ceiling is ≈ 2000 ms / the total");
    }

    /** One side's ceiling: throughput, latency, failures, cold starts and CPU per process in the measured window. */
    private record Result(double perSecond, Stats latency, int failed, long coldStarts, long receipts, double seconds,
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
    private Result measure(LocalStack stack, Side side) {
        int port = freePort();
        List<String> jvmOptions = runnerJvmOptions(side.root());
        Path runner = side.root().resolve("local/runner/target");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-D" + RepositoryRoot.PROPERTY + "=" + side.root(), "-D" + Main.RUNTIME_LIB_PROPERTY + "=" + runner.resolve("lambda-runtime"),
                "-cp", runner.resolve("local-runner.jar") + ":" + runner.resolve("lib") + "/*", Main.class.getName(),
                "start-api", "--port", Integer.toString(port), "--table-prefix", "bench-" + stamp + "-" + side.label() + "-"));
        maxContainers.ifPresent(n -> command.addAll(List.of("--max-containers", Integer.toString(n))));
        command.add("--parameter-overrides");
        LambdaBench.rateLimitOverrides(side.root().resolve("template.yaml")).forEach((k, v) -> command.add(k + "=" + v));
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
            for (int i = 0; i < clients; i++) {
                tokens.add(jwt.issue("bench-" + stamp + "-" + side.label() + "-" + i, List.of(), 3600));
            }
            ReceiptLoad load = new ReceiptLoad(port, tokens);
            // warm-up (the same for every side, as long as the window and at least 20 s): every container the runner
            // keeps starts (and, on an old runner, may crash and restart), the JITs warm (a fresh runner's C2 spent
            // 40 % of its CPU in a window after 10 s of warm-up); receipts signed as they go
            Duration warmUp = Duration.ofSeconds(Math.max(20, seconds));
            AtomicLong warmed = new AtomicLong();
            load.run(warmUp, new ReceiptBodies(events, side.root(), "warm", List.of()), warmed, new AtomicInteger(), null);
            // the window's receipts are signed before it, as tills sign theirs on their own machines: the load
            // generator's CPU in the window is then what the clients' HTTP costs (4× the warm-up's rate, which
            // includes the JITs' warming, and at least 5 per client-second; should they run out, the rest is signed
            // inline, counted and printed)
            int needed = (int) Math.max(5L * clients * seconds, warmed.get() * 4 * seconds / Math.max(1, warmUp.toSeconds()));
            ReceiptBodies bodies = new ReceiptBodies(events, side.root(), "ceiling", presign(side.root(), needed));
            long logBefore = coldStartLines(runnerLog);
            Map<String, Duration> cpuBefore = ProcessCpu.of(process, stack);
            long start = System.nanoTime();
            AtomicLong ok = new AtomicLong();
            AtomicInteger failed = new AtomicInteger();
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            load.run(Duration.ofSeconds(seconds), bodies, ok, failed, latencies);
            double window = (System.nanoTime() - start) / 1e9;
            Map<String, Duration> cpuAfter = ProcessCpu.of(process, stack);
            long coldStarts = coldStartLines(runnerLog) - logBefore;
            Map<String, Double> cpu = new LinkedHashMap<>();
            cpuAfter.forEach((name, after) -> cpu.put(name,
                    (after.toMillis() - cpuBefore.getOrDefault(name, Duration.ZERO).toMillis()) / 1000.0));
            out.accept("  start-api (" + side.label() + ", runner JVM options " + jvmOptions + "): " + ok.get()
                    + " receipts in " + String.format("%.1f s", window)
                    + (bodies.signedInline() > 0 ? " (" + bodies.signedInline() + " signed inline)" : ""));
            return new Result(ok.get() / window, Stats.of(latencies.isEmpty() ? List.of(0.0) : latencies), failed.get(),
                    coldStarts, ok.get(), window, cpu);
        } finally {
            stop(process);
        }
    }

    /**
     * The JVM options the side's runner starts with: its checkout's {@value RunnerJvmOptions#FILE}, or, for a checkout
     * older than that file, this checkout's (the same runner flags on both sides: the code is what is compared).
     */
    private List<String> runnerJvmOptions(Path sideRoot) {
        return RunnerJvmOptions.of(sideRoot).or(() -> RunnerJvmOptions.of(root)).orElse(List.of());
    }

    private List<String> presign(Path sideRoot, int n) {
        List<String> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            bodies.add(events.receiptBody(sideRoot, "ceiling-pre-" + i + "-" + System.nanoTime()));
        }
        return bodies;
    }

    /** How many containers the runner has started so far: its {@code INIT <function> Init Duration} lines. */
    private static long coldStartLines(Path runnerLog) {
        try (Stream<String> lines = Files.lines(runnerLog, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains("] INIT ") && l.contains("Init Duration")).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
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

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable)";
        }
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
}
