package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./mallquest invoke} with the repository's template and functions: every sample in {@code events/}
 * and the SAM CLI's generated events run through the real handlers, against fresh tables on moto_server.
 */
class InvokeCommandTest {

    private static final Path ROOT = RepositoryRoot.locate();
    private static final List<String> HTTP_FUNCTIONS = List.of("SubmitReceiptFunction", "StoreAdminFunction", "GetUserFunction",
            "TriggerEffectFunction", "MetricsFunction", "AdminBatchFunction", "RewardsFunction");

    /**
     * What each function's sample must answer beyond a 2xx, given the sample's body and the answer's body (the one
     * sample-event check of every function: the handlers' own tests cover the rest).
     */
    private static final Map<String, BiConsumer<JsonNode, JsonNode>> SAMPLE_ANSWERS = Map.of(
            "AdminBatchFunction", (sample, body) ->
                    assertEquals("applied", body.path("results").get(0).path("status").asText(), body.toString()),
            "GamificationFunction", (sample, body) -> {
                assertEquals("week", body.path("period").asText(), body.toString());
                assertEquals(0, body.path("score").asLong(), body.toString());
            },
            "GetUserFunction", (sample, body) -> {
                // the caller's own view (the seed's demo-user: its welcome bonus, level 3)
                assertEquals("demo-user", body.path("userId").asText(), body.toString());
                assertEquals(body.path("progress").path("level").asInt(), body.path("level").asInt(), body.toString());
                assertEquals(body.path("recentActivity").get(0).path("coins").asLong(), body.path("coins").asLong(),
                        body.toString());
            },
            "MetricsFunction", (sample, body) -> {
                // fleet-wide from a shared cache, or this instance's figures alone and a note that says why
                String scope = body.path("scope").asText();
                assertTrue(scope.equals("fleet") || scope.equals("instance"), body.toString());
                assertEquals(scope.equals("instance"), body.hasNonNull("scopeNote"), body.toString());
            },
            "TriggerEffectFunction", (sample, body) ->
                    assertEquals(sample.path("type").asText(), body.path("type").asText(), body.toString()));

    private static CommandRun invoke(String function, String eventFile, String stdin) {
        return invoke(function, eventFile, stdin, "inv-" + UUID.randomUUID().toString().substring(0, 8) + "-");
    }

    private static CommandRun invoke(String function, String eventFile, String stdin, String tablePrefix) {
        return CommandRun.withStdin(FixtureStack.shell(Map.of()), stdin, "invoke", function, "-e", eventFile,
                "--table-prefix", tablePrefix);
    }

    @TestFactory
    Stream<DynamicTest> everySampleEvent_shouldRunItsFunction() throws IOException {
        List<Path> samples;
        try (Stream<Path> files = Files.list(ROOT.resolve("events"))) {
            // every .json but the samples' settings (events/env.json, --env-vars for invoke and sam local invoke)
            samples = files.filter(p -> p.toString().endsWith(".json") && !p.endsWith(Main.SAMPLE_ENV_VARS.substring("events/".length())))
                    .sorted().toList();
        }
        Set<String> functions = LocalTemplateTest.repositoryTemplate().functions().keySet();
        assertEquals(functions, Set.copyOf(samples.stream().map(p -> p.getFileName().toString().replace(".json", "")).toList()),
                "one sample event per function, named after it");
        return samples.stream().map(sample -> DynamicTest.dynamicTest(sample.getFileName().toString(), () -> {
            String function = sample.getFileName().toString().replace(".json", "");
            // WHEN the sample is invoked
            String tables = "inv-" + UUID.randomUUID().toString().substring(0, 8) + "-";
            CommandRun run = invoke(function, sample.toString(), "", tables);
            // THEN the function answered (exit 0, the result JSON on stdout, its logs on stderr)
            assertEquals(0, run.status(), run.stderr());
            JsonNode result = JsonText.MAPPER.readTree(run.stdout());
            assertTrue(run.stderr().contains("START RequestId:"), "the function's log goes to stderr");
            if (result.has("statusCode")) {
                // AND the sample succeeds against the seeded local data
                int status = result.get("statusCode").asInt();
                assertTrue(status >= 200 && status < 300, function + " answered " + result);
                // AND it answers what the sample asks for
                JsonNode sent = JsonText.MAPPER.readTree(JsonText.MAPPER.readTree(Files.readString(sample)).path("body").asText("{}"));
                SAMPLE_ANSWERS.getOrDefault(function, (s, b) -> { })
                        .accept(sent, JsonText.MAPPER.readTree(result.path("body").asText()));
            }
            if (function.equals("AdminBatchFunction")) {
                // AND the same batch sent again is a replay: each adjustment applies once
                JsonNode again = JsonText.MAPPER.readTree(invoke(function, sample.toString(), "", tables).stdout());
                assertEquals("replayed", JsonText.MAPPER.readTree(again.path("body").asText())
                        .path("results").get(0).path("status").asText(), again.toString());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> samCliGeneratedHttpEvent_shouldBeAcceptedByEveryHttpFunction() {
        return HTTP_FUNCTIONS.stream().map(function -> DynamicTest.dynamicTest(function, () -> {
            // GIVEN the event `sam local generate-event apigateway http-api-proxy` makes (base64 body, cookies, claims)
            String event = resource("/sam-events/http-api-proxy.json");
            // WHEN it is piped to invoke (-e -)
            CommandRun run = invoke(function, "-", event);
            // THEN the handler answers with an HTTP response, not a crash (its path is no MallQuest route: 4xx)
            assertEquals(0, run.status(), run.stderr());
            JsonNode result = JsonText.MAPPER.readTree(run.stdout());
            int status = result.get("statusCode").asInt();
            assertTrue(status >= 400 && status < 500, function + " answered " + result);
            assertTrue(result.get("body").asText().contains("\"error\""), "the JSON error model: " + result);
        }));
    }

    @Test
    void samCliGeneratedScheduledEvent_shouldRunCleanup() throws Exception {
        CommandRun run = invoke("CleanupFunction", "-", resource("/sam-events/scheduled-event.json"));
        assertEquals(0, run.status(), run.stderr());
        assertTrue(JsonText.MAPPER.readTree(run.stdout()).isObject(), run.stdout());
    }

    static String resource(String name) throws IOException {
        try (var in = InvokeCommandTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
