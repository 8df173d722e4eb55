package com.mallquest.local.runner;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cache of a local stack when {@code REDIS_URL} is not set: a {@code redis-server} process on a free loopback
 * port, in its own temp directory, without persistence (no RDB, no AOF), stopped with the runner. Every function
 * of the stack shares it, as the deployed functions share the serverless cache.
 *
 * <p>The binary is {@code redis-server} on the shell's {@code PATH} (or in {@code /usr/bin}); when there is none,
 * start fails with one line naming {@code apt-get install -y redis-server}. (The tests' own Redis servers, TLS and
 * cluster included, are {@code RedisServer} and {@code RedisCluster} in local/test-support.)
 */
final class LocalRedis implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final Process process;

    private LocalRedis(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts a server and waits (at most 15 s) until it answers {@code PING}. */
    static LocalRedis start(Map<String, String> shell) {
        String binary = binary(shell);
        Path dir;
        int port = freePort();
        Process process;
        try {
            dir = Files.createTempDirectory("mallquest-redis-");
            Path conf = dir.resolve("redis.conf");
            Files.write(conf, List.of("bind 127.0.0.1", "protected-mode no", "port " + port, "daemonize no",
                    "dir " + dir, "logfile \"\"", "save \"\"", "appendonly no"));
            process = new ProcessBuilder(binary, conf.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        } catch (IOException e) {
            throw new UserError("Cannot start " + binary + ": " + e.getMessage(), e);
        }
        LocalRedis redis = new LocalRedis(dir, port, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                redis.close();
                throw new UserError("redis-server exited with code " + process.exitValue() + " on port " + port);
            }
            if (redis.ping()) {
                return redis;
            }
            sleep(20);
        }
        redis.close();
        throw new UserError("redis-server did not answer PING on port " + port + " within 15 s");
    }

    /** {@code redis://127.0.0.1:<port>}. */
    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir; best effort
        }
    }

    private boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static String binary(Map<String, String> shell) {
        String path = shell.getOrDefault("PATH", "");
        for (String entry : (path + File.pathSeparator + "/usr/bin" + File.pathSeparator + "/usr/local/bin").split(File.pathSeparator)) {
            if (!entry.isBlank() && Files.isExecutable(Path.of(entry, "redis-server"))) {
                return Path.of(entry, "redis-server").toString();
            }
        }
        throw new UserError("redis-server is not installed (the local cache the functions share): "
                + "apt-get install -y redis-server (or set REDIS_URL to a running Redis)");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UserError("No free port for redis-server: " + e.getMessage(), e);
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
