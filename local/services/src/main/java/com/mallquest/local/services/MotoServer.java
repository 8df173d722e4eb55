package com.mallquest.local.services;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real DynamoDB-API server on this machine: moto's {@code moto_server} (Python), run on a free loopback port.
 *
 * <p>moto implements {@code TransactWriteItems} with its {@code CancellationReasons}, atomically under
 * concurrency, which the ledger's one-transaction credit needs. It keeps everything in memory; {@link #start(Path)}
 * adds a snapshot ({@link TableSnapshot}): the tables are loaded from the directory when it starts and written back
 * when it is stopped (not when it is killed). Every instance is stopped at JVM exit at the latest.
 *
 * <pre>{@code
 * MotoServer moto = MotoServer.shared();           // one per JVM, for tests
 * DynamoDbClient client = moto.client();
 * URI endpoint = moto.endpoint();                  // DYNAMODB_ENDPOINT
 * }</pre>
 *
 * <p>moto_server must be installed ({@value #INSTALL_COMMAND}; {@code MOTO_SERVER_BIN} or {@code moto_server} on the
 * {@code PATH}). It is run through {@code moto_serial.py} with the Python that has moto ({@code MOTO_PYTHON}, else
 * {@code python3}): moto_server itself, one request at a time. moto applies a conditional write or a transaction
 * without a lock while serving requests on threads, so concurrent requests interleave (measured: 30 concurrent
 * receipts of one shopper lost one credit) and a cancelled transaction restores its tables over other requests'
 * writes; DynamoDB applies every request atomically, and so does moto with one lock around its application.
 */
public final class MotoServer implements AutoCloseable {

    /** The command that installs {@code moto_server}. */
    public static final String INSTALL_COMMAND = "pip install 'moto[server]'";
    /** System property or environment variable naming the launcher explicitly. */
    public static final String BIN_VARIABLE = "MOTO_SERVER_BIN";
    /** System property or environment variable naming the Python interpreter that has moto (default {@code python3}). */
    public static final String PYTHON_VARIABLE = "MOTO_PYTHON";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid").map(Path::of).filter(Files::isExecutable).findFirst();
    private static final Set<MotoServer> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile MotoServer shared;
    private static Path serialLauncher;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(MotoServer::stop), "moto-stop"));
    }

    private final Path launcher;
    private final Optional<Path> dataDir;
    private final Path logFile;
    private final int port;
    private Process process;

    private MotoServer(Path launcher, Optional<Path> dataDir, Path logFile, int port) {
        this.launcher = launcher;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
    }

    /** Starts an in-memory moto_server on a free port and waits until it answers. */
    public static MotoServer start() {
        return launch(Optional.empty());
    }

    /**
     * Starts moto_server on a free port, waits until it answers and loads the tables snapshotted in {@code dataDir}
     * (created if missing); {@link #stop()} writes them back there.
     */
    public static MotoServer start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the DynamoDB data directory " + dataDir, e);
        }
        return launch(Optional.of(dataDir.toAbsolutePath()));
    }

    /** One in-memory moto_server per JVM, started on first use, stopped when the JVM exits. Callers must not stop it. */
    public static MotoServer shared() {
        MotoServer current = shared;
        if (current == null) {
            synchronized (MotoServer.class) {
                current = shared;
                if (current == null) {
                    current = start();
                    shared = current;
                }
            }
        }
        return current;
    }

    private static MotoServer launch(Optional<Path> dataDir) {
        Path launcher = launcher();
        Path logFile;
        try {
            logFile = Files.createTempFile("moto-", ".log");
            logFile.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the moto_server log file", e);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken by someone else before moto binds it
            MotoServer moto = new MotoServer(launcher, dataDir, logFile, freePort());
            try {
                moto.startProcess();
                return moto;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * The launcher: {@code MOTO_SERVER_BIN} (system property, then environment), else {@code moto_server} on the
     * {@code PATH}. Fails with the install command when neither exists.
     */
    public static Path launcher() {
        String configured = Optional.ofNullable(System.getProperty(BIN_VARIABLE)).orElse(System.getenv(BIN_VARIABLE));
        if (configured != null && !configured.isBlank()) {
            Path path = Paths.get(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(BIN_VARIABLE + "=" + configured + " is not an executable file. " + installHint());
            }
            return path;
        }
        return onPath(System.getenv().getOrDefault("PATH", ""))
                .orElseThrow(() -> new IllegalStateException("moto_server is not installed (not on PATH). " + installHint()));
    }

    /** {@code moto_server} in one of the directories of {@code path}, if there is one. */
    public static Optional<Path> onPath(String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "moto_server"))) {
                return Optional.of(Path.of(dir, "moto_server"));
            }
        }
        return Optional.empty();
    }

    private static String python() {
        String configured = Optional.ofNullable(System.getProperty(PYTHON_VARIABLE)).orElse(System.getenv(PYTHON_VARIABLE));
        return configured == null || configured.isBlank() ? "python3" : configured;
    }

    /** {@code moto_serial.py} (a resource) as a file to run; written once per JVM. */
    private static synchronized Path serialLauncher() {
        if (serialLauncher == null) {
            try (var in = MotoServer.class.getResourceAsStream("moto_serial.py")) {
                Path file = Files.createTempFile("moto_serial-", ".py");
                file.toFile().deleteOnExit();
                Files.write(file, in.readAllBytes());
                serialLauncher = file;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write moto_serial.py", e);
            }
        }
        return serialLauncher;
    }

    private static String installHint() {
        return "Install it (Python 3) with: " + INSTALL_COMMAND + " (or set " + BIN_VARIABLE + " to a moto_server launcher)";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    private synchronized void startProcess() {
        List<String> command = new ArrayList<>();
        // Its own session: a terminal's Ctrl-C reaches the JVM only, which then snapshots before it stops moto_server.
        SETSID.ifPresent(setsid -> command.add(setsid.toString()));
        command.addAll(List.of(python(), serialLauncher().toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().put("PYTHONUNBUFFERED", "1");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + launcher + " (" + e.getMessage() + "). " + installHint(), e);
        }
        RUNNING.add(this);
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                RUNNING.remove(this);
                throw new IllegalStateException("moto_server exited with status " + process.exitValue() + " while starting on port " + port + ": " + log());
            }
            if (answers()) {
                dataDir.ifPresent(dir -> {
                    try (DynamoDbClient client = client()) {
                        TableSnapshot.load(client, dir);
                    }
                });
                return;
            }
            sleep(50);
        }
        kill();
        throw new IllegalStateException("moto_server did not answer on port " + port + " within " + STARTUP_TIMEOUT.toSeconds() + " s: " + log());
    }

    /** True when an HTTP request to the endpoint gets any response. */
    private boolean answers() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().toURL().openConnection();
            connection.setConnectTimeout(200);
            connection.setReadTimeout(1_000);
            try {
                return connection.getResponseCode() > 0;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String log() {
        try {
            String text = Files.readString(logFile, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "(no output; log " + logFile + ")" : text.length() > 2_000 ? text.substring(text.length() - 2_000) : text;
        } catch (IOException e) {
            return "(log " + logFile + " unreadable)";
        }
    }

    /** {@code http://127.0.0.1:<port>}: the value of {@code DYNAMODB_ENDPOINT}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The loopback port it listens on (kept across {@link #restart()}). */
    public int port() {
        return port;
    }

    /** The snapshot directory when started with {@link #start(Path)}; empty when in memory only. */
    public Optional<Path> dataDir() {
        return dataDir;
    }

    /** True while the moto_server process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * A DynamoDB client for this server: the URLConnection HTTP client, region us-east-1, dummy credentials
     * (moto checks no signature). The caller closes it.
     */
    public DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(30))
                        .build())
                .build();
    }

    /**
     * Writes the snapshot (when started with a data directory and still running), then stops the process
     * gracefully (SIGTERM), forcibly after 5 s.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (dataDir.isPresent() && process.isAlive()) {
            try (DynamoDbClient client = client()) {
                TableSnapshot.save(client, dataDir.get());
            } catch (RuntimeException e) {
                System.err.println("moto_server: could not write the snapshot to " + dataDir.get() + ": " + e.getMessage());
            }
        }
        terminate(false);
    }

    /** Kills the process (SIGKILL) without letting it finish anything: a crash. No snapshot is written. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        terminate(true);
    }

    private void terminate(boolean forcibly) {
        List<ProcessHandle> children = process.descendants().toList();
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        RUNNING.remove(this);
    }

    /**
     * Starts the process again on the same port (stopping it first if it runs) and waits until it answers; with a
     * data directory it comes back with the last snapshot, in memory only it comes back empty.
     */
    public synchronized void restart() {
        if (isRunning()) {
            stop();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) { // the old socket may linger briefly
            try {
                startProcess();
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(200);
            }
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for moto_server", e);
        }
    }

    @Override
    public String toString() {
        return "moto_server " + endpoint() + dataDir.map(d -> " (snapshot in " + d + ")").orElse(" (in memory)");
    }
}
