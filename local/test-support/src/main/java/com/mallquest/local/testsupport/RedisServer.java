package com.mallquest.local.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process for tests and local runs: loopback only, a free port, its own temp
 * directory, no persistence (no RDB, no AOF).
 *
 * <pre>{@code
 * RedisServer redis = RedisServer.start();      // or RedisServer.shared() for one per JVM
 * URI uri = redis.uri();                        // redis://127.0.0.1:<port>
 * redis.kill();                                 // SIGKILL, as a crash
 * redis.restart();                              // the same port again, empty
 * redis.stop();
 * }</pre>
 *
 * <p>{@link #startTls()} serves TLS only ({@code rediss://}) with a throwaway certificate; its trust
 * material is {@link #tls()}. The binary is {@code redis-server} from {@code PATH} (or {@code /usr/bin}),
 * or the one named by the environment variable {@code REDIS_SERVER_BIN}; when none is found this fails
 * with a message naming {@code apt-get install redis-server}.
 *
 * <p>Every server still running when the JVM exits is stopped by a shutdown hook.
 */
public final class RedisServer implements AutoCloseable {

    private static final Set<RedisServer> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile RedisServer shared;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(RUNNING).forEach(RedisServer::stop),
                "redis-server-stopper"));
    }

    private final Path dir;
    private final int port;
    private final TlsMaterial tls;
    private final List<String> extraConfig;
    private Process process;

    private RedisServer(Path dir, int port, TlsMaterial tls, List<String> extraConfig) {
        this.dir = dir;
        this.port = port;
        this.tls = tls;
        this.extraConfig = extraConfig;
    }

    /** Starts a standalone server on a free loopback port. */
    public static RedisServer start() {
        return launch(null, List.of());
    }

    /** Starts a standalone server that accepts TLS only, with a throwaway certificate ({@link #tls()}). */
    public static RedisServer startTls() {
        return launch(TlsMaterial::create, List.of());
    }

    /** The server of this JVM, started on first use and stopped when the JVM exits. Do not stop or kill it. */
    public static RedisServer shared() {
        RedisServer current = shared;
        if (current == null) {
            synchronized (RedisServer.class) {
                if (shared == null) {
                    shared = start();
                }
                current = shared;
            }
        }
        return current;
    }

    /** How a server gets its TLS material: made in its directory, or shared by the nodes of a cluster. */
    interface TlsSource {
        TlsMaterial materialFor(Path serverDirectory) throws IOException;
    }

    /**
     * Starts a server with extra config lines (cluster nodes), over TLS when {@code tlsSource} is non-null.
     * Retries on another port if the chosen one was taken meanwhile.
     */
    static RedisServer launch(TlsSource tlsSource, List<String> extraConfig) {
        String binary = binary("redis-server", "REDIS_SERVER_BIN");
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir;
            try {
                dir = Files.createTempDirectory("mallquest-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RedisServer server = null;
            try {
                TlsMaterial tls = tlsSource == null ? null : tlsSource.materialFor(dir);
                server = new RedisServer(dir, freePort(), tls, extraConfig);
                server.launchProcess(binary);
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (IllegalStateException e) {
                last = e;
                if (server != null) {
                    server.stop();
                } else {
                    deleteTree(dir);
                }
            }
        }
        throw last;
    }

    /** {@code redis://127.0.0.1:<port>}, or {@code rediss://…} for a TLS server. */
    public URI uri() {
        return URI.create((tls == null ? "redis" : "rediss") + "://127.0.0.1:" + port);
    }

    /** The port the server listens on. */
    public int port() { return port; }

    /** The TLS trust material; throws for a plain server. */
    public TlsMaterial tls() {
        if (tls == null) {
            throw new IllegalStateException("not a TLS server: use RedisServer.startTls()");
        }
        return tls;
    }

    /** The server's working directory (config, log). */
    public Path directory() { return dir; }

    /** True while the process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the process with SIGKILL (a crash: no shutdown, connections drop). {@link #restart()} brings it back. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitQuietly(process, 10);
        }
    }

    /** Starts the server again on the same port (stopping it first if it runs). The data is gone: no persistence. */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            terminate();
        }
        try {
            launchProcess(binary("redis-server", "REDIS_SERVER_BIN"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the process and deletes its directory. */
    public synchronized void stop() {
        terminate();
        RUNNING.remove(this);
        deleteTree(dir);
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "RedisServer[" + uri() + "]";
    }

    /** Sends one command over a raw connection (for harness checks such as CLUSTER INFO); returns the reply text. */
    String command(String... args) throws IOException {
        return RespProbe.call(port, tls == null ? null : tls.sslContext(), args);
    }

    private void terminate() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitQuietly(process, 5)) {
                process.destroyForcibly();
                waitQuietly(process, 5);
            }
        }
    }

    private void launchProcess(String binary) throws IOException {
        List<String> config = new ArrayList<>(List.of(
                "bind 127.0.0.1",
                "protected-mode no",
                "daemonize no",
                "dir " + dir,
                "logfile \"\"",
                "save \"\"",
                "appendonly no"));
        if (tls == null) {
            config.add("port " + port);
        } else {
            config.add("port 0");
            config.add("tls-port " + port);
            config.add("tls-cert-file " + tls.certificate());
            config.add("tls-key-file " + tls.privateKey());
            config.add("tls-ca-cert-file " + tls.certificate());
            config.add("tls-auth-clients no");
        }
        config.addAll(extraConfig);
        Path conf = dir.resolve("redis.conf");
        Files.write(conf, config);
        Path log = dir.resolve("redis.log");
        process = new ProcessBuilder(binary, conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        RUNNING.add(this);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with code " + process.exitValue()
                        + " on port " + port + ":\n" + tail(log));
            }
            if (RespProbe.ping(port, tls == null ? null : tls.sslContext())) {
                return;
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 15 s:\n" + tail(log));
    }

    /** Finds an executable: the environment variable, else {@code PATH}, else {@code /usr/bin}; fails naming the apt package. */
    static String binary(String name, String envVar) {
        String configured = System.getenv(envVar);
        if (configured != null && !configured.isBlank()) {
            if (Files.isExecutable(Path.of(configured))) {
                return configured;
            }
            throw new IllegalStateException(envVar + "=" + configured + " is not an executable file");
        }
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    candidates.add(Path.of(entry, name));
                }
            }
        }
        candidates.add(Path.of("/usr/bin", name));
        candidates.add(Path.of("/usr/local/bin", name));
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new IllegalStateException(name + " was not found on PATH, in /usr/bin or /usr/local/bin."
                        + " The tests need a real Redis: install it with `apt-get install redis-server` (as root),"
                        + " or point " + envVar + " at the binary."));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean waitQuietly(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
