package com.mallquest.local.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One container of a function: a child JVM that runs AWS's Lambda runtime interface client
 * ({@code com.amazonaws.services.lambda.runtime.api.client.AWSLambda}, what the managed {@code java21} runtime
 * runs) with the function's jar and its layers' jars in its task root, talking to this container's own Lambda Runtime API
 * endpoint ({@code /2018-06-01/runtime/...}) served here on a free loopback port.
 *
 * <p>So the function gets exactly what Lambda gives it: its own process environment (the template's variables
 * and Lambda's own), its own class loader over its own artifact, the runtime's serializer and {@code Context},
 * initialisation once per container, and reuse across invocations (warm). One invocation runs at a time; an
 * invocation that passes the function's {@code Timeout} stops the container, as Lambda does.
 */
final class LambdaContainer implements AutoCloseable {

    private static final String API = "/2018-06-01/runtime";

    static {
        LocalHttp.noDelay();
    }
    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private final FunctionDefinition function;
    private final Consumer<String> log;
    private final HttpServer runtimeApi;
    private final ExecutorService apiThreads;
    private final Path taskRoot;
    private final Path tmp;
    private final Path nativeLibrary;
    private final LinkedBlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
    private final long startedNanos = System.nanoTime();
    private final Process process;
    private volatile boolean initReported;
    private volatile long initNanos = -1;
    private volatile String initError;
    private volatile boolean closed;

    private LambdaContainer(FunctionDefinition function, Map<String, String> environment, Path runtimeLib, Consumer<String> log) {
        this.function = function;
        this.log = log;
        try {
            this.runtimeApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            this.taskRoot = Files.createTempDirectory("mallquest-task-" + function.logicalId() + "-");
            Path lib = Files.createDirectories(taskRoot.resolve("lib"));
            // A copy, so a rebuild while this container runs does not pull the jar from under the JVM.
            Files.copy(function.artifact(), lib.resolve(function.artifact().getFileName()));
            // The layers' jars: Lambda puts them on the same class loader after the function's own (/opt/java/lib,
            // a path the runtime client fixes); lib/ is that class loader's too, and the two hold different classes.
            for (Path layerJar : function.layerJars()) {
                Files.copy(layerJar, lib.resolve("layer-" + layerJar.getFileName()));
            }
            // This container's own /tmp and its own copy of the runtime client's native library: the client would
            // otherwise extract it to one fixed path (/tmp/.libaws-lambda-jni.so) that JVMs starting at once
            // overwrite under each other (SIGBUS). In Lambda each sandbox has its own /tmp.
            this.tmp = Files.createDirectories(taskRoot.resolve("tmp"));
            this.nativeLibrary = RuntimeNativeLibrary.copyTo(runtimeLib, tmp.resolve(".libaws-lambda-jni.so"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare a container for " + function.logicalId(), e);
        }
        this.apiThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runtime-api-" + function.logicalId());
            t.setDaemon(true);
            return t;
        });
        runtimeApi.setExecutor(apiThreads);
        runtimeApi.createContext(API, this::serve);
        runtimeApi.start();

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The flags the managed java21 runtime starts the JVM with (heap from MemorySize).
                "-XX:MaxHeapSize=" + (function.memoryMb() * 85L / 100) + "m",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-Djava.net.preferIPv4Stack=true",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + tmp,
                "-D" + RuntimeNativeLibrary.PATH_PROPERTY + "=" + nativeLibrary,
                "-cp", runtimeLib.toAbsolutePath() + "/*",
                RIC_MAIN,
                function.handler()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.getAddress().getPort());
        builder.environment().put("LAMBDA_TASK_ROOT", taskRoot.toString());
        builder.environment().put("_HANDLER", function.handler());
        try {
            this.process = builder.start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("Cannot start a JVM for " + function.logicalId(), e);
        }
        Thread pump = new Thread(this::pumpLogs, "logs-" + function.logicalId());
        pump.setDaemon(true);
        pump.start();
        process.onExit().thenRun(this::onExit);
    }

    /** Starts a container; the function initialises on its first invocation's {@code /next}, as in Lambda. */
    static LambdaContainer start(FunctionDefinition function, Map<String, String> environment, Path runtimeLib, Consumer<String> log) {
        return new LambdaContainer(function, environment, runtimeLib, log);
    }

    boolean isAlive() {
        return !closed && process.isAlive();
    }

    /**
     * Runs one invocation and waits for its end: at most {@code initLimit} for the runtime to start and ask for it,
     * then at most the function's timeout.
     */
    InvocationResult invoke(byte[] event, Duration initLimit) {
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), event);
        inFlight.put(invocation.id, invocation);
        pending.add(invocation);
        boolean coldStart = initNanos < 0;
        try {
            try {
                invocation.dispatched.get(initLimit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                pending.remove(invocation);
                close();
                return InvocationResult.error(InvocationResult.Outcome.INIT_ERROR, "Runtime.InitTimeout",
                        function.logicalId() + " did not initialise within " + initLimit.toSeconds() + " s", Duration.ZERO);
            }
            if (coldStart && !invocation.result.isDone()) {
                log.accept("INIT " + function.logicalId() + " Init Duration: " + String.format("%.2f ms", initMillis()));
            }
            log.accept("START RequestId: " + invocation.id + " Version: $LATEST");
            long timeoutMs = function.timeoutSeconds() * 1000L;
            try {
                return invocation.result.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                log.accept(String.format("%s %s Task timed out after %d.00 seconds",
                        java.time.Instant.now(), invocation.id, function.timeoutSeconds()));
                close();
                return InvocationResult.error(InvocationResult.Outcome.TIMEOUT, "Sandbox.Timedout",
                        String.format("%s Task timed out after %d.00 seconds", invocation.id, function.timeoutSeconds()),
                        Duration.ofMillis(timeoutMs));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return InvocationResult.error(InvocationResult.Outcome.RUNTIME_EXITED, "Runtime.Interrupted", "Interrupted", Duration.ZERO);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            inFlight.remove(invocation.id);
            if (invocation.dispatchedNanos > 0) {
                double ms = (System.nanoTime() - invocation.dispatchedNanos) / 1e6;
                log.accept("END RequestId: " + invocation.id);
                log.accept(String.format("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB",
                        invocation.id, ms, (long) Math.ceil(ms), function.memoryMb()));
            }
        }
    }

    private double initMillis() {
        return initNanos < 0 ? 0 : (initNanos - startedNanos) / 1e6;
    }

    // ---- Lambda Runtime API ------------------------------------------------------------------------------

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(API.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("/invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.startsWith("/invocation/") && path.endsWith("/response")) {
                complete(exchange, path, "/response", InvocationResult.Outcome.SUCCESS);
            } else if (method.equals("POST") && path.startsWith("/invocation/") && path.endsWith("/error")) {
                complete(exchange, path, "/error", InvocationResult.Outcome.FUNCTION_ERROR);
            } else if (method.equals("POST") && path.equals("/init/error")) {
                initError(exchange);
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"Unknown runtime API path\",\"errorType\":\"InvalidRequest\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        if (initNanos < 0) {
            initNanos = System.nanoTime();
        }
        Invocation invocation;
        try {
            do {
                invocation = pending.poll(500, TimeUnit.MILLISECONDS);
            } while (invocation == null && !closed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (invocation == null) {
            reply(exchange, 410, "{\"errorMessage\":\"Container stopped\",\"errorType\":\"Gone\"}");
            return;
        }
        long deadline = System.currentTimeMillis() + function.timeoutSeconds() * 1000L;
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json"); // the native client crashes without it
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.id);
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
        headers.set("Lambda-Runtime-Invoked-Function-Arn",
                "arn:aws:lambda:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":function:" + function.logicalId());
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                + "-" + invocation.id.replace("-", "").substring(0, 24) + ";Parent=" + invocation.id.replace("-", "").substring(16)
                + ";Sampled=0");
        exchange.sendResponseHeaders(200, invocation.event.length == 0 ? -1 : invocation.event.length);
        exchange.getResponseBody().write(invocation.event);
        invocation.dispatchedNanos = System.nanoTime();
        invocation.dispatched.complete(null);
    }

    private void complete(HttpExchange exchange, String path, String suffix, InvocationResult.Outcome outcome) throws IOException {
        String id = path.substring("/invocation/".length(), path.length() - suffix.length());
        byte[] body = exchange.getRequestBody().readAllBytes();
        Invocation invocation = inFlight.get(id);
        if (invocation == null) {
            reply(exchange, 400, "{\"errorMessage\":\"Unknown or finished request id\",\"errorType\":\"InvalidRequestID\"}");
            return;
        }
        reply(exchange, 202, "{\"status\":\"OK\"}");
        Duration took = Duration.ofNanos(System.nanoTime() - invocation.dispatchedNanos);
        invocation.result.complete(new InvocationResult(outcome, body, took));
    }

    private void initError(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        initReported = true;
        initError = new String(body, StandardCharsets.UTF_8);
        reply(exchange, 202, "{\"status\":\"OK\"}");
        for (Invocation invocation : inFlight.values()) {
            invocation.result.complete(new InvocationResult(InvocationResult.Outcome.INIT_ERROR, body, Duration.ZERO));
            invocation.dispatched.complete(null);
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    // ---- process life ------------------------------------------------------------------------------------

    private void pumpLogs() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.accept(line);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private void onExit() {
        int status = process.exitValue();
        for (Invocation invocation : inFlight.values()) {
            InvocationResult result = initReported
                    ? new InvocationResult(InvocationResult.Outcome.INIT_ERROR, initError.getBytes(StandardCharsets.UTF_8), Duration.ZERO)
                    : InvocationResult.error(InvocationResult.Outcome.RUNTIME_EXITED, "Runtime.ExitError",
                    "RequestId: " + invocation.id + " Error: Runtime exited with error: exit status " + status, Duration.ZERO);
            invocation.result.complete(result);
            invocation.dispatched.complete(null);
        }
        close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        runtimeApi.stop(0);
        apiThreads.shutdownNow();
        deleteQuietly(taskRoot);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir; best effort
        }
    }

    /** One event on its way through the container. */
    private static final class Invocation {
        final String id;
        final byte[] event;
        final CompletableFuture<Void> dispatched = new CompletableFuture<>();
        final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
        volatile long dispatchedNanos;

        Invocation(String id, byte[] event) {
            this.id = id;
            this.event = event;
        }
    }
}
