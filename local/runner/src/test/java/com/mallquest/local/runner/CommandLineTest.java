package com.mallquest.local.runner;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one command line: every command its usage text lists is dispatched, and a bad one gets that text and exit 2. */
class CommandLineTest {

    /** A command line's first line in the usage text: two spaces, then its name (one or two words). */
    private static final Pattern COMMAND_LINE = Pattern.compile("^  ([a-z][a-z-]*(?: [a-z][a-z-]*)?)(?= |$)");

    /** One run with the child processes recorded (and answered with {@code childStatus}) instead of started. */
    private record Run(int status, String stdout, String stderr, List<List<String>> children) { }

    private static Run run(int childStatus, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<List<String>> children = new ArrayList<>();
        int status = new Main(Map.of(), new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), (command, directory) -> {
                    children.add(command);
                    return childStatus;
                }).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), children);
    }

    private static String usage() {
        return run(0, "help").stdout().strip();
    }

    private static List<String> listedCommands() {
        List<String> names = new ArrayList<>();
        for (String line : usage().split("\\R")) {
            Matcher name = COMMAND_LINE.matcher(line);
            if (name.find()) {
                names.add(name.group(1));
            }
        }
        return names;
    }

    @Test
    void usage_shouldListEveryCommand() {
        // GIVEN the usage text  WHEN its command lines are read
        // THEN it lists every command of ./mallquest, once
        assertEquals(List.of("start-api", "invoke", "token", "receipt", "test", "test-web", "catalogue import", "catalogue export",
                "rebuild-leaderboards", "bench", "bench lambda", "help"), listedCommands());
    }

    @Test
    void everyListedCommand_shouldBeDispatched_notRejectedAsUnknown() {
        for (String name : listedCommands()) {
            // GIVEN a listed command with an argument no command accepts as an option
            List<String> args = new ArrayList<>(Arrays.asList(name.split(" ")));
            args.add("--no-such-option=x");

            // WHEN it runs
            Run run = run(0, args.toArray(String[]::new));

            // THEN the command itself got the argument: its own option check refused it, or its child process got it,
            // or it is help
            assertFalse(run.stderr().contains("Unknown command"), name + ": " + run.stderr());
            boolean refusedByItsOptions = run.status() == 2 && run.stderr().startsWith("mallquest: Unknown option --no-such-option");
            boolean passedToItsChild = run.children().stream().anyMatch(child -> child.contains("--no-such-option=x"));
            boolean help = name.equals("help") && run.status() == 0 && run.stdout().strip().equals(usage());
            assertTrue(refusedByItsOptions || passedToItsChild || help, name + ": " + run);
        }
    }

    @Test
    void unknownCommand_shouldExit2_withTheUsageText() {
        // GIVEN a command ./mallquest does not have  WHEN it runs
        Run run = run(0, "frobnicate", "--port", "1");

        // THEN one line names it, the usage text follows on stderr, exit 2, and nothing ran
        assertEquals(2, run.status());
        assertEquals("mallquest: Unknown command 'frobnicate'\n" + usage(), run.stderr().strip());
        assertTrue(run.children().isEmpty());
    }

    @Test
    void noCommand_shouldPrintTheUsageText_andExit1() {
        // GIVEN no arguments, and the help spellings  WHEN they run
        Run none = run(0);

        // THEN the usage text is on stdout: exit 1 without a command, 0 when asked for
        assertEquals(1, none.status());
        assertEquals(usage(), none.stdout().strip());
        assertTrue(usage().startsWith("Usage: ./mallquest <command> [options]"), usage());
        for (String help : List.of("help", "-h", "--help")) {
            assertEquals(0, run(0, help).status(), help);
            assertEquals(usage(), run(0, help).stdout().strip(), help);
        }
    }

    @Test
    void bench_shouldRunJmhFromTheBenchmarksJar_withItsArguments_andItsExitStatus() {
        // GIVEN JMH's arguments  WHEN bench runs (its JVM answering 3)
        Run run = run(3, "bench", "UserView", "-f", "1");

        // THEN the benchmarks jar ran in a JVM of its own with exactly those arguments, and its status is the command's
        assertEquals(3, run.status());
        List<String> java = run.children().get(0);
        assertEquals(List.of("-jar", com.mallquest.local.services.RepositoryRoot.locate().resolve(Main.BENCHMARKS_JAR).toString(),
                "UserView", "-f", "1"), java.subList(java.size() - 5, java.size()));
    }

    @Test
    void benchLambda_shouldRunTheLambdaBenchFromTheBenchmarksJar_withTheRunnersJvmOptions_andItsArguments() {
        // GIVEN the bench's options  WHEN bench lambda runs (its JVM answering 2, a bad option of its own)
        Run run = run(2, "bench", "lambda", "--only", "warm", "--warm", "50");

        // THEN the Lambda bench's class ran from the benchmarks jar, in a JVM started with the runner's options, with
        // exactly those arguments (the bench reads them), and its status is the command's
        assertEquals(2, run.status());
        java.nio.file.Path root = com.mallquest.local.services.RepositoryRoot.locate();
        List<String> java = run.children().get(0);
        assertEquals(RunnerJvmOptions.of(root).orElseThrow(), java.subList(1, 1 + RunnerJvmOptions.of(root).orElseThrow().size()));
        assertEquals(List.of("-cp", root.resolve(Main.BENCHMARKS_JAR).toString(), Main.LAMBDA_BENCH, "--only", "warm", "--warm", "50"),
                java.subList(java.size() - 7, java.size()));
    }

    @Test
    void test_shouldRunMavenVerify_thenTheWebUnitTests_thenTheBrowserTests_andAdvanceTheBuildStamp() throws Exception {
        // GIVEN a repository whose children all pass
        Path root = Files.createTempDirectory("repo-");
        List<List<String>> ran = new ArrayList<>();
        List<Path> where = new ArrayList<>();

        // WHEN test runs with no Maven options
        int status = new RepositoryTests(root, (command, directory) -> {
            ran.add(command);
            where.add(directory);
            return 0;
        }).all(List.of());

        // THEN mvn verify at the root, node's unit tests then the browser tests in web/, and the stamp is advanced
        assertEquals(0, status);
        assertEquals(List.of(List.of("mvn", "verify"), List.of("node", "--test", "test/unit/"), List.of("node", "test/browser/run.mjs")), ran);
        assertEquals(List.of(root, root.resolve("web"), root.resolve("web")), where);
        assertTrue(Files.isRegularFile(root.resolve(RepositoryTests.BUILD_STAMP)));
        assertFalse(Files.exists(root.resolve(RepositoryTests.BUILD_STAMP + ".next")));
    }

    @Test
    void test_shouldStopWithMavensStatus_whenVerifyFails() throws Exception {
        // GIVEN mvn verify exiting 3
        Path root = Files.createTempDirectory("repo-");
        List<List<String>> ran = new ArrayList<>();

        // WHEN test runs
        int status = new RepositoryTests(root, (command, directory) -> {
            ran.add(command);
            return 3;
        }).all(List.of());

        // THEN its status is Maven's, no web test ran, and the stamp did not move
        assertEquals(3, status);
        assertEquals(1, ran.size());
        assertFalse(Files.exists(root.resolve(RepositoryTests.BUILD_STAMP)));
    }

    @Test
    void test_shouldKeepTheStamp_whenMavenOptionsNarrowTheBuild_andExit1_whenAUnitTestFails() throws Exception {
        // GIVEN Maven options, and a web unit test failing (node exits 7)
        Path root = Files.createTempDirectory("repo-");
        List<List<String>> ran = new ArrayList<>();

        // WHEN test runs
        int status = new RepositoryTests(root, (command, directory) -> {
            ran.add(command);
            return command.contains("test/unit/") ? 7 : 0;
        }).all(List.of("-pl", "shared-core"));

        // THEN the options went to mvn verify, the stamp stayed (not every artifact was built), the browser tests did
        // not run, and the status is 1
        assertEquals(1, status);
        assertEquals(List.of(List.of("mvn", "verify", "-pl", "shared-core"), List.of("node", "--test", "test/unit/")), ran);
        assertFalse(Files.exists(root.resolve(RepositoryTests.BUILD_STAMP)));
    }

    @Test
    void testWeb_shouldPassItsFilterToTheBrowserTests_andReturnTheirStatus() throws Exception {
        // GIVEN the browser tests exiting 4  WHEN test-web screen runs
        Path root = Files.createTempDirectory("repo-");
        List<List<String>> ran = new ArrayList<>();
        int status = new RepositoryTests(root, (command, directory) -> {
            ran.add(command);
            return command.contains("test/browser/run.mjs") ? 4 : 0;
        }).web(List.of("screen"));

        // THEN the filter reached run.mjs and its status is the command's
        assertEquals(4, status);
        assertEquals(List.of("node", "test/browser/run.mjs", "screen"), ran.get(1));
    }

    @Test
    void rebuildLeaderboards_shouldExit2_withoutRedisUrl() {
        // GIVEN no REDIS_URL  WHEN rebuild-leaderboards runs
        Run run = run(0, "rebuild-leaderboards", "week");

        // THEN one line says which Redis it needs, exit 2
        assertEquals(2, run.status());
        assertTrue(run.stderr().startsWith("mallquest: rebuild-leaderboards needs REDIS_URL"), run.stderr());
    }

    @Test
    void rebuildLeaderboards_shouldInvokeAgainWithEachCursor_untilAnAnswerHasNone() {
        // GIVEN a cleanup function whose rebuild answers two pages with a cursor (one not of [A-Za-z0-9_-]), then none
        List<String> events = new ArrayList<>();
        List<String> answers = List.of("{\"scanned\":1000,\"cursor\":\"c1\"}", "{\"scanned\":1000,\"cursor\":\"c/2+=\"}",
                "{\"scanned\":3,\"complete\":true}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // WHEN the rebuild of week 2026-W47 runs
        int status = new LeaderboardRebuildCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err).run(event -> {
            events.add(new String(event, StandardCharsets.UTF_8));
            return new InvocationResult(InvocationResult.Outcome.SUCCESS,
                    answers.get(events.size() - 1).getBytes(StandardCharsets.UTF_8), java.time.Duration.ZERO);
        }, "week", "2026-W47");

        // THEN each invocation carried the previous answer's cursor, every answer was printed, and it ended with 0
        assertEquals(0, status);
        assertEquals(List.of("{\"rebuildLeaderboards\":{\"period\":\"week\",\"at\":\"2026-W47\",\"cursor\":\"\"}}",
                "{\"rebuildLeaderboards\":{\"period\":\"week\",\"at\":\"2026-W47\",\"cursor\":\"c1\"}}",
                "{\"rebuildLeaderboards\":{\"period\":\"week\",\"at\":\"2026-W47\",\"cursor\":\"c/2+=\"}}"), events);
        assertEquals(String.join("\n", answers), out.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void rebuildLeaderboards_shouldExit1_whenAnInvocationFails() {
        // GIVEN a cleanup function that fails  WHEN the rebuild runs
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new LeaderboardRebuildCommand(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(event -> new InvocationResult(InvocationResult.Outcome.FUNCTION_ERROR,
                        "{\"errorMessage\":\"boom\",\"cursor\":\"c1\"}".getBytes(StandardCharsets.UTF_8), java.time.Duration.ZERO), "", "");

        // THEN it stops at once with 1 and names the function
        assertEquals(1, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("mallquest: CleanupFunction failed (FUNCTION_ERROR)"), err.toString());
    }
}
