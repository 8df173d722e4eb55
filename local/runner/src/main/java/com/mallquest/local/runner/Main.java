package com.mallquest.local.runner;

import com.mallquest.local.services.RepositoryRoot;
import com.mallquest.local.services.SamTemplate;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The command line behind {@code ./mallquest}: every command and the one usage text ({@link #usage()}). The launcher
 * only installs the tools a command needs and builds; then it runs this class with all the arguments.
 *
 * <p>A problem the user can fix is one line on stderr and exit status 1 (2 for a bad command line, with the usage
 * text); {@code invoke} exits 1 when the function fails; a command run as a child process ({@code test}, {@code bench})
 * exits with its status.
 */
public final class Main {

    /** System property naming the Lambda runtime jars directory (the launcher sets it). */
    public static final String RUNTIME_LIB_PROPERTY = "mallquest.lambda.runtime";
    /**
     * The sample events' {@code --env-vars} file, relative to the repository root: {@code invoke}'s default (and
     * {@code sam local invoke --env-vars events/env.json}). It widens the receipt claim window so the signed sample
     * receipt, whose purchase time is fixed inside its signature, stays valid as the calendar moves. {@code start-api}
     * does not read it: it serves the production rules unless given {@code --env-vars}.
     */
    public static final String SAMPLE_ENV_VARS = "events/env.json";

    /** The benchmarks' jar (JMH and the Lambda bench), relative to the repository root; the launcher builds it. */
    static final String BENCHMARKS_JAR = "benchmarks/target/benchmarks.jar";
    /** The Lambda bench's main class, in the benchmarks jar (which depends on this module, not the other way). */
    static final String LAMBDA_BENCH = "com.mallquest.benchmarks.lambda.LambdaBench";

    private final Map<String, String> shell;
    private final InputStream stdin;
    /**
     * Containers per function unless {@code --max-containers} says otherwise. Lambda starts one sandbox per concurrent
     * request; a laptop cannot. Measured with {@code bench lambda} on the 2-core development machine (16 clients):
     * 3 containers 76-82 receipts/s, 2 gave 67, 4 gave 58 (four JVMs cost more CPU per request than they add).
     */
    static final int DEFAULT_MAX_CONTAINERS = 3;

    private final PrintStream stdout;
    private final PrintStream stderr;

    private final ChildProcesses children;
    private final List<Command> commands;

    /** Every command, in the order the usage text lists them. */
    private List<Command> commands() {
        return List.of(
                new Command("start-api", List.of("[--port 3000] [--host 127.0.0.1] [--env-vars FILE] [--parameter-overrides K=V ...]",
                        "[--fire-schedules-now] [--max-containers " + DEFAULT_MAX_CONTAINERS + "] [--allow-network-dev-token]"),
                        "serve template.yaml's HttpApi routes, the web app (/, /screen, /ops) and the schedules",
                        argv -> startApi(Args.parse(argv))),
                new Command("invoke", List.of("<FunctionLogicalId> -e <event.json|-> [--env-vars FILE] [--parameter-overrides K=V ...]"),
                        "invoke one function with an event: its result on stdout, its logs on stderr",
                        argv -> invoke(Args.parse(argv))),
                new Command("token", List.of("--sub <userId> [--groups admin,store-staff] [--store-id zara] [--ttl 3600]"),
                        "a token the local API accepts (signed with the development secret)",
                        argv -> token(Args.parse(argv))),
                new Command("receipt", List.of("--store <storeId> --amount <125.50> [--receipt-id R-1] [--at 2026-12-01T09:30:00Z]"),
                        "a receipt code signed with the seed's development key, as a till prints it",
                        argv -> receipt(Args.parse(argv))),
                new Command("test", List.of("[maven options]"),
                        "every test of the repository: mvn verify (real redis-server and moto_server), then the web app's unit\n"
                                + "tests and its browser tests (headless Chromium against start-api)",
                        argv -> new RepositoryTests(root(), children).all(argv)),
                new Command("test-web", List.of("[name]"),
                        "only the web app's unit and browser tests (name: run the *.test.mjs matching it)",
                        argv -> new RepositoryTests(root(), children).web(argv)),
                new Command("catalogue import", List.of("<file> --api <URL> --token <admin token>"),
                        "load a mall's stores, public keys and rewards into a running stack through its admin API\n"
                                + "(idempotent; a file holding development data is refused before any write)",
                        argv -> MallCatalogueCommand.run("import", argv, stdout)),
                new Command("catalogue export", List.of("--api <URL> --token <admin token>"),
                        "print a running stack's stores, public keys and rewards in the import's format",
                        argv -> MallCatalogueCommand.run("export", argv, stdout)),
                new Command("rebuild-leaderboards", List.of("[week|month|all [AT]]"),
                        "recompute leaderboards from the ledger (REDIS_URL: the Redis whose boards to rebuild)",
                        argv -> rebuildLeaderboards(Args.parse(argv))),
                new Command("bench", List.of("[regexp] [-f forks]"),
                        "JMH benchmarks, each claim printed as a ratio to its baseline",
                        this::benchJmh),
                new Command("bench lambda", List.of("[--before CHECKOUT] [--cold-runs 5] [--warm 300] [--warm-up 200] [--clients 16]",
                        "[--seconds 20] [--only cold,warm,artifacts,ceiling] [--max-containers N]"),
                        "cold start, warm latency, artifact sizes and start-api's ceiling beside their baselines",
                        this::benchLambda),
                new Command("help", List.of(), "this text", argv -> {
                    stdout.println(usage());
                    return 0;
                }));
    }

    Main(Map<String, String> shell, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this(shell, stdin, stdout, stderr, ChildProcesses.INHERITED_IO);
    }

    Main(Map<String, String> shell, InputStream stdin, PrintStream stdout, PrintStream stderr, ChildProcesses children) {
        this.shell = shell;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.children = children;
        this.commands = commands();
    }

    public static void main(String[] args) {
        Main main = new Main(System.getenv(), System.in, System.out, System.err);
        int status = main.run(args);
        if (status != 0 || !(args.length > 0 && args[0].equals("start-api"))) {
            System.exit(status);
        }
    }

    /**
     * Runs a command; for {@code start-api}, blocks until the JVM is stopped. Returns the exit status: no command prints
     * the usage text and is 1, as {@code git} does.
     */
    int run(String[] args) {
        if (args.length == 0) {
            stdout.println(usage());
            return 1;
        }
        List<String> argv = List.of(args);
        try {
            Command command = command(argv).orElseThrow(() -> new UsageError("Unknown command '" + args[0] + "'"));
            return command.action().run(argv.subList(command.name().split(" ").length, argv.size()));
        } catch (UsageError e) {
            stderr.println("mallquest: " + e.getMessage());
            stderr.println(usage());
            return 2;
        } catch (UserError e) {
            stderr.println("mallquest: " + e.getMessage());
            return 1;
        }
    }

    /** The command {@code argv} starts with: its longest name ({@code bench lambda} before {@code bench}). */
    private Optional<Command> command(List<String> argv) {
        String first = argv.get(0).equals("-h") || argv.get(0).equals("--help") ? "help" : argv.get(0);
        String two = argv.size() > 1 ? first + " " + argv.get(1) : null;
        return commands.stream().filter(c -> c.name().equals(two)).findFirst()
                .or(() -> commands.stream().filter(c -> c.name().equals(first)).findFirst());
    }

    /** The one usage text: {@code ./mallquest help}, {@code ./mallquest} alone, and after a bad command line. */
    String usage() {
        StringBuilder text = new StringBuilder("Usage: ./mallquest <command> [options]");
        for (Command command : commands) {
            String indent = " ".repeat(3 + command.name().length());
            text.append("\n  ").append(command.name());
            for (int i = 0; i < command.synopsis().size(); i++) {
                text.append(i == 0 ? " " : "\n" + indent).append(command.synopsis().get(i));
            }
            for (String line : command.description().split("\n")) {
                text.append("\n      ").append(line);
            }
        }
        return text.toString();
    }

    /** One command: its name (one or two words), its options as the usage text shows them, what it does, and it. */
    private record Command(String name, List<String> synopsis, String description, Action action) { }

    /** A command's work, given the arguments after its name; returns the exit status. */
    @FunctionalInterface
    private interface Action {
        int run(List<String> argv);
    }

    private int startApi(Args args) {
        args.allow("port", "host", "env-vars", "parameter-overrides", "fire-schedules-now", "max-containers", "table-prefix", "template",
                "allow-network-dev-token");
        String host = args.one("host").orElse("127.0.0.1");
        int port = args.integer("port", 3000);
        long started = System.nanoTime();
        LocalApi.checkPortFree(host, port); // before starting anything, so the error is the only line
        LocalStack stack = LocalStack.open(options(args, (id, line) -> stderr.println("[" + id + "] " + line)), Optional.empty());
        LocalApi api;
        try {
            api = LocalApi.start(stack, host, port, args.flag("fire-schedules-now"), args.flag("allow-network-dev-token"));
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stack.close();
            stopped.countDown();
        }, "mallquest-stop"));
        api.banner(host).forEach(stdout::println);
        stdout.printf("Ready in %d ms. Ctrl-C stops.%n", (System.nanoTime() - started) / 1_000_000);
        stdout.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private int invoke(Args args) {
        args.allow("event", "env-vars", "parameter-overrides", "table-prefix", "template", "max-containers");
        if (args.positional().size() != 1) {
            throw new UsageError("invoke takes one function logical id, e.g. invoke SubmitReceiptFunction -e events/SubmitReceiptFunction.json");
        }
        String functionId = args.positional().get(0);
        String eventFile = args.one("event").orElseThrow(() -> new UsageError("invoke needs -e <event.json> (or -e - for stdin)"));
        byte[] event;
        try {
            event = eventFile.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(eventFile));
        } catch (IOException e) {
            throw new UserError("Cannot read the event file " + eventFile + ": " + e.getMessage());
        }
        JsonText.parse(event, eventFile.equals("-") ? "The event on stdin" : "The event file " + eventFile);
        try (LocalStack stack = LocalStack.open(options(args, (id, line) -> stderr.println(line), true), Optional.of(functionId))) {
            InvocationResult result = stack.function(functionId).invoke(event);
            stdout.println(result.payloadText());
            stdout.flush();
            if (!result.succeeded()) {
                stderr.println("mallquest: " + functionId + " failed (" + result.outcome() + ")");
                return 1;
            }
            return 0;
        }
    }

    /**
     * {@code bench lambda [options]}: the Lambda bench from the benchmarks jar, in a JVM started with the runner's own
     * options (its load generator runs as the runner does); it reads its options itself.
     */
    private int benchLambda(List<String> benchArgs) {
        Path root = root();
        List<String> command = new ArrayList<>(List.of(javaCommand()));
        command.addAll(RunnerJvmOptions.of(root).orElse(List.of()));
        command.addAll(List.of("-D" + RepositoryRoot.PROPERTY + "=" + root, "-D" + RUNTIME_LIB_PROPERTY + "=" + runtimeLib(root),
                "-cp", root.resolve(BENCHMARKS_JAR).toString(), LAMBDA_BENCH));
        command.addAll(benchArgs);
        return children.run(command, root);
    }

    private int rebuildLeaderboards(Args args) {
        args.allow();
        List<String> positional = args.positional();
        if (positional.size() > 2) {
            throw new UsageError("rebuild-leaderboards takes a period and a time at most, e.g. rebuild-leaderboards week 2026-W47");
        }
        if (shell.getOrDefault("REDIS_URL", "").isEmpty()) {
            stderr.println("mallquest: rebuild-leaderboards needs REDIS_URL, the Redis whose boards to rebuild (start-api prints its"
                    + " 'Cache: redis-server at ...'; start-api's cleanup schedule also rebuilds them, a bounded step per run)");
            return 2;
        }
        try (LocalStack stack = LocalStack.open(options(args, (id, line) -> stderr.println(line), true),
                Optional.of(LeaderboardRebuildCommand.FUNCTION))) {
            return new LeaderboardRebuildCommand(stdout, stderr).run(stack.function(LeaderboardRebuildCommand.FUNCTION)::invoke, positional.isEmpty() ? "" : positional.get(0),
                    positional.size() < 2 ? "" : positional.get(1));
        }
    }

    /** {@code bench [JMH arguments]}: the benchmarks jar in a JVM of its own. */
    private int benchJmh(List<String> jmhArgs) {
        Path root = root();
        Path jar = root.resolve(BENCHMARKS_JAR);
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-D" + RepositoryRoot.PROPERTY + "=" + root, "-jar", jar.toString()));
        command.addAll(jmhArgs);
        return children.run(command, root);
    }

    /** This JVM's {@code java}. */
    static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private int token(Args args) {
        args.allow("sub", "groups", "store-id", "ttl", "parameter-overrides", "template");
        String sub = args.one("sub").orElseThrow(() -> new UsageError("token needs --sub <userId>"));
        List<String> groups = args.one("groups").map(g -> Arrays.stream(g.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        long ttl = args.integer("ttl", 3600);
        if (ttl < 1) {
            throw new UsageError("--ttl must be at least 1 second");
        }
        Path root = root();
        SamTemplate sam = SamTemplate.load(args.one("template").map(Path::of).orElse(root.resolve("template.yaml")));
        LocalTemplate template = new LocalTemplate(sam, root, new LocalValues(sam, parameterOverrides(args), Map.of(), ""));
        LocalJwt jwt = new LocalJwt(LocalJwt.secretFrom(shell), template.jwtRules(), Clock.systemUTC());
        stdout.println(jwt.issue(sub, groups, args.one("store-id").orElse(null), ttl));
        return 0;
    }

    /**
     * Prints a receipt code signed with the store's development key from the local seed, as the store's till would
     * print it as a QR code (send it as {@code {"code": …}} to {@code POST /receipts}).
     */
    private int receipt(Args args) {
        args.allow("store", "amount", "receipt-id", "at");
        String store = args.one("store").orElseThrow(() -> new UsageError("receipt needs --store <storeId>, e.g. --store zara"));
        String amountText = args.one("amount").orElseThrow(() -> new UsageError("receipt needs --amount, e.g. --amount 125.50"));
        java.math.BigDecimal amount;
        try {
            amount = new java.math.BigDecimal(amountText);
        } catch (NumberFormatException e) {
            throw new UsageError("--amount must be a number such as 125.50, got '" + amountText + "'");
        }
        java.time.Instant at;
        try {
            at = args.one("at").map(t -> java.time.OffsetDateTime.parse(t).toInstant()).orElse(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        } catch (java.time.format.DateTimeParseException e) {
            throw new UsageError("--at must be ISO-8601 with a zone, e.g. 2026-12-01T09:30:00Z");
        }
        String receiptId = args.one("receipt-id").orElse("R-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()) + "-" + (100 + new java.util.Random().nextInt(900)));
        com.mallquest.local.services.DevReceiptSigner signer;
        try {
            signer = com.mallquest.local.services.DevReceiptSigner.load(root());
            stdout.println(signer.sign(store, receiptId, amount, at, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        return 0;
    }

    private LocalStack.Options options(Args args, LocalStack.FunctionLog log) {
        return options(args, log, false);
    }

    private LocalStack.Options options(Args args, LocalStack.FunctionLog log, boolean invoke) {
        Path root = root();
        return new LocalStack.Options(root,
                args.one("template").map(Path::of).orElse(root.resolve("template.yaml")),
                shell, parameterOverrides(args), envVarsFile(args, root, invoke),
                args.one("table-prefix").orElse(""), args.integer("max-containers", DEFAULT_MAX_CONTAINERS), runtimeLib(root),
                line -> {
                    stderr.println(line);
                    stderr.flush();
                }, log);
    }

    /**
     * {@code --env-vars FILE}; else, for {@code invoke}, {@value #SAMPLE_ENV_VARS} when present (the sample events'
     * settings); else none: {@code start-api} serves the production rules.
     */
    private Optional<Path> envVarsFile(Args args, Path root, boolean invoke) {
        Optional<Path> given = args.one("env-vars").map(Path::of);
        if (given.isPresent() || !invoke) {
            return given;
        }
        Path samples = root.resolve(SAMPLE_ENV_VARS);
        return Files.isRegularFile(samples) ? Optional.of(samples) : Optional.empty();
    }

    /** The Lambda runtime's jars: the launcher's {@value #RUNTIME_LIB_PROPERTY}, else the build's. */
    private static Path runtimeLib(Path root) {
        return Optional.ofNullable(System.getProperty(RUNTIME_LIB_PROPERTY)).map(Path::of)
                .orElse(root.resolve("local/runner/target/lambda-runtime"));
    }

    private static Path root() {
        try {
            return RepositoryRoot.locate();
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static Map<String, String> parameterOverrides(Args args) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String item : args.all("parameter-overrides")) {
            if (item.startsWith("ParameterKey=")) { // SAM's long form: ParameterKey=K,ParameterValue=V
                int comma = item.indexOf(",ParameterValue=");
                if (comma < 0) {
                    throw new UsageError("--parameter-overrides " + item + ": expected ParameterKey=K,ParameterValue=V");
                }
                overrides.put(item.substring("ParameterKey=".length(), comma), item.substring(comma + ",ParameterValue=".length()));
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new UsageError("--parameter-overrides takes Name=Value pairs, got '" + item + "'");
            }
            overrides.put(item.substring(0, eq), item.substring(eq + 1));
        }
        return overrides;
    }
}
