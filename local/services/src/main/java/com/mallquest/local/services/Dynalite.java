package com.mallquest.local.services;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

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

/**
 * A real DynamoDB-API server on this machine: the npm package {@code dynalite} 4.0.0, run with Node.js on a
 * free loopback port.
 *
 * <p>In memory by default; {@link #start(Path)} keeps the data in a LevelDB directory instead (what the local
 * runner uses, so data survives a restart). Every instance is stopped at JVM exit at the latest.
 *
 * <pre>{@code
 * Dynalite dynalite = Dynalite.shared();            // one per JVM, for tests
 * DynamoDbClient client = dynalite.client();
 * URI endpoint = dynalite.endpoint();               // DYNAMODB_ENDPOINT
 * }</pre>
 *
 * <p>The launcher is {@code DYNALITE_BIN} (system property or environment variable) or else
 * {@code <repo>/.mallquest/tools/node_modules/.bin/dynalite}, installed with {@value #INSTALL_COMMAND}.
 */
public final class Dynalite implements AutoCloseable {

    /** The command that installs the launcher where it is looked for (run in the repository root). */
    public static final String INSTALL_COMMAND = "npm install --prefix .mallquest/tools dynalite@4.0.0";
    /** System property or environment variable naming the dynalite launcher explicitly. */
    public static final String BIN_VARIABLE = "DYNALITE_BIN";

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** Tables stay CREATING/UPDATING/DELETING this long (dynalite's default is 500 ms): callers still wait, briefly. */
    private static final int TABLE_STATE_MS = 20;
    private static final Set<Dynalite> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile Dynalite shared;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Dynalite::stop), "dynalite-stop"));
    }

    private final Path launcher;
    private final Optional<Path> dataDir;
    private final Path logFile;
    private final int port;
    private Process process;

    private Dynalite(Path launcher, Optional<Path> dataDir, Path logFile, int port) {
        this.launcher = launcher;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
    }

    /** Starts an in-memory dynalite on a free port and waits until it answers. */
    public static Dynalite start() {
        return launch(Optional.empty());
    }

    /** Starts dynalite persisting to {@code dataDir} (created if missing) on a free port and waits until it answers. */
    public static Dynalite start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create dynalite data directory " + dataDir, e);
        }
        return launch(Optional.of(dataDir.toAbsolutePath()));
    }

    /** One in-memory dynalite per JVM, started on first use, stopped when the JVM exits. Callers must not stop it. */
    public static Dynalite shared() {
        Dynalite current = shared;
        if (current == null) {
            synchronized (Dynalite.class) {
                current = shared;
                if (current == null) {
                    current = start();
                    shared = current;
                }
            }
        }
        return current;
    }

    private static Dynalite launch(Optional<Path> dataDir) {
        Path launcher = launcher();
        Path logFile;
        try {
            logFile = Files.createTempFile("dynalite-", ".log");
            logFile.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the dynalite log file", e);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) { // the free port may be taken by someone else before dynalite binds it
            Dynalite dynalite = new Dynalite(launcher, dataDir, logFile, freePort());
            try {
                dynalite.startProcess();
                return dynalite;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * The dynalite launcher: {@code DYNALITE_BIN} (system property, then environment), else the repository's
     * {@code .mallquest/tools/node_modules/.bin/dynalite}. Fails with the install command when neither exists.
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
        Path root;
        try {
            root = RepositoryRoot.locate();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("Cannot locate dynalite: " + e.getMessage() + ". " + installHint(), e);
        }
        Path path = root.resolve(".mallquest/tools/node_modules/.bin/dynalite");
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("dynalite is not installed: " + path + " is missing. " + installHint());
        }
        return path;
    }

    private static String installHint() {
        return "Install it (Node.js and npm are needed) from the repository root with: " + INSTALL_COMMAND
                + " (or set " + BIN_VARIABLE + " to a dynalite launcher)";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    private synchronized void startProcess() {
        List<String> command = new ArrayList<>(List.of(launcher.toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--createTableMs", Integer.toString(TABLE_STATE_MS),
                "--updateTableMs", Integer.toString(TABLE_STATE_MS),
                "--deleteTableMs", Integer.toString(TABLE_STATE_MS)));
        dataDir.ifPresent(dir -> command.addAll(List.of("--path", dir.toString())));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + launcher + " (" + e.getMessage() + "). Is Node.js installed? " + installHint(), e);
        }
        RUNNING.add(this);
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                RUNNING.remove(this);
                throw new IllegalStateException("dynalite exited with status " + process.exitValue() + " while starting on port " + port + ": " + log());
            }
            if (answers()) {
                return;
            }
            sleep(50);
        }
        kill();
        throw new IllegalStateException("dynalite did not answer on port " + port + " within " + STARTUP_TIMEOUT.toSeconds() + " s: " + log());
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

    /** The LevelDB directory when started with {@link #start(Path)}; empty when in memory. */
    public Optional<Path> dataDir() {
        return dataDir;
    }

    /** True while the dynalite process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * A DynamoDB client for this server: the URLConnection HTTP client, region us-east-1, dummy credentials
     * (dynalite checks no signature). The caller closes it.
     */
    public DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(10))
                        .build())
                .build();
    }

    /** Stops the process gracefully (SIGTERM), forcibly after 5 s. In-memory data is gone afterwards. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        RUNNING.remove(this);
    }

    /** Kills the process (SIGKILL) without letting it finish anything: a crash. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    /**
     * Starts the process again on the same port and data directory (stopping it first if it runs) and waits
     * until it answers. An in-memory instance comes back empty.
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
            throw new IllegalStateException("Interrupted while waiting for dynalite", e);
        }
    }

    @Override
    public String toString() {
        return "dynalite " + endpoint() + dataDir.map(d -> " (" + d + ")").orElse(" (in memory)");
    }
}
