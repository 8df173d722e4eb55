package com.mallquest.local.runner;

import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mistakes a user can fix get one clear line on stderr and a non-zero exit status. */
class UserErrorsTest {

    private static void assertOneLine(CommandRun run, String expected) {
        assertEquals(1, run.status(), run.stderr());
        assertEquals(1, run.errorLines().size(), "one line: " + run.stderr());
        assertTrue(run.errorLines().get(0).startsWith("mallquest: "), run.stderr());
        assertTrue(run.stderr().contains(expected), run.stderr());
    }

    @Test
    void startApi_shouldSayThePortIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CommandRun run = CommandRun.of(FixtureStack.shell(Map.of()), "start-api", "--port", Integer.toString(taken.getLocalPort()),
                    "--table-prefix", "err-port-");
            assertOneLine(run, "Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void startApi_shouldNameMotoServer_whenItIsNotInstalled() {
        // GIVEN no DYNAMODB_ENDPOINT and no moto_server on PATH
        CommandRun run = CommandRun.of(Map.of("PATH", "/nonexistent"), "start-api", "--port", "0");
        assertOneLine(run, "moto_server, the local DynamoDB, is not installed");
        assertTrue(run.stderr().contains("pip install 'moto[server]'"), run.stderr());
    }

    @Test
    void invoke_shouldNameTheMissingHandlerClass() throws Exception {
        // GIVEN a template whose function names a class its artifact does not hold
        Path dir = Files.createTempDirectory("runner-bad-handler-");
        FixtureStack.buildFixturesJar(dir.resolve("fixtures.jar"));
        Files.writeString(dir.resolve("template.yaml"), String.join("\n",
                "Transform: AWS::Serverless-2016-10-31",
                "Resources:",
                "  BrokenFunction:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      CodeUri: " + dir.resolve("fixtures.jar"),
                "      Handler: com.example.Missing::handleRequest",
                ""));
        Path event = dir.resolve("event.json");
        Files.writeString(event, "{}");
        CommandRun run = CommandRun.of(FixtureStack.shell(Map.of()), "invoke", "BrokenFunction", "-e", event.toString(),
                "--template", dir.resolve("template.yaml").toString());
        assertOneLine(run, "BrokenFunction: handler class com.example.Missing is not in its artifact");
    }

    @Test
    void invoke_shouldSayTheEventFileIsNotJson() throws Exception {
        Path event = Files.createTempFile("event-", ".json");
        Files.writeString(event, "{\"version\": \"2.0\", oops}");
        CommandRun run = CommandRun.of(FixtureStack.shell(Map.of()), "invoke", "MetricsFunction", "-e", event.toString());
        assertOneLine(run, "The event file " + event + " is not valid JSON");
    }

    @Test
    void invoke_shouldNameTheFunctions_whenTheIdIsUnknown() {
        CommandRun run = CommandRun.withStdin(FixtureStack.shell(Map.of()), "{}", "invoke", "NoSuchFunction", "-e", "-");
        assertOneLine(run, "No function NoSuchFunction in template.yaml");
        assertTrue(run.stderr().contains("MetricsFunction"), run.stderr());
    }

    @Test
    void token_shouldPrintAVerifiableToken() {
        CommandRun run = CommandRun.of(Map.of(), "token", "--sub", "alice", "--groups", "admin,store", "--ttl", "60");
        assertEquals(0, run.status(), run.stderr());
        var template = LocalTemplateTest.repositoryTemplate();
        var verified = new LocalJwt(LocalJwt.DEVELOPMENT_SECRET, template.jwtRules(), java.time.Clock.systemUTC())
                .verify("Bearer " + run.stdout().trim()).orElseThrow();
        assertEquals("alice", verified.claims().get("sub"));
        assertEquals("[admin store]", verified.claims().get("cognito:groups"));
        assertTrue(RepositoryRoot.locate().resolve("mallquest").toFile().canExecute(), "the launcher is executable");
    }

    @Test
    void token_shouldCarryTheStaffStore_whenAskedFor() {
        CommandRun run = CommandRun.of(Map.of(), "token", "--sub", "barista-1", "--groups", "store-staff", "--store-id", "starbucks");
        assertEquals(0, run.status(), run.stderr());
        var verified = new LocalJwt(LocalJwt.DEVELOPMENT_SECRET, LocalTemplateTest.repositoryTemplate().jwtRules(),
                java.time.Clock.systemUTC()).verify("Bearer " + run.stdout().trim()).orElseThrow();
        assertEquals("starbucks", verified.claims().get("custom:storeId"));
        assertEquals("[store-staff]", verified.claims().get("cognito:groups"));
    }
}
