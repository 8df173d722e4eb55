package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.testsupport.OpenApiDocument;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * openapi.yaml stays the description of template.yaml's HttpApi: the same routes (every template route and nothing
 * else), the same auth, every path parameter declared, every example valid against its schema, the whole a valid
 * OpenAPI 3.1 document (the OpenAPI Initiative's document schema). (That the handlers'
 * responses match it is checked by the handler tests through {@code ApiContract}.)
 */
class OpenApiDocumentTest {

    private static final OpenApiDocument API = OpenApiDocument.repository();
    private static final LocalTemplate TEMPLATE = LocalTemplateTest.repositoryTemplate();

    @Test
    void everyTemplateRoute_shouldBeDescribed_andNothingElse() {
        Set<String> template = TEMPLATE.routes().stream().map(LocalTemplate.Route::routeKey).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(template);
        missing.removeAll(API.operations());
        Set<String> extra = new TreeSet<>(API.operations());
        extra.removeAll(template);
        assertTrue(missing.isEmpty(), "template routes missing from openapi.yaml (describe them there): " + missing);
        assertTrue(extra.isEmpty(), "openapi.yaml describes routes the template does not have: " + extra);
    }

    @Test
    void publicRoutes_shouldBeExactlyThoseWithoutSecurity() {
        List<String> wrong = new ArrayList<>();
        for (LocalTemplate.Route route : TEMPLATE.routes()) {
            JsonNode op = API.operation(route.routeKey()).orElse(null);
            if (op == null) {
                continue; // reported by the coverage test
            }
            boolean declaredPublic = op.has("security") && op.get("security").isArray() && op.get("security").isEmpty();
            if (declaredPublic == route.authorized()) {
                wrong.add(route.routeKey() + (route.authorized() ? " needs the JWT (no 'security: []')" : " is public ('security: []')"));
            }
        }
        assertTrue(API.root().path("security").toString().contains("cognitoJwt"), "the default is the JWT");
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void everyOperation_shouldDeclareItsPathParameters_andASuccess() {
        List<String> problems = new ArrayList<>();
        Set<String> operationIds = new HashSet<>();
        Pattern param = Pattern.compile("\\{([^}]+)}");
        for (String key : API.operations()) {
            JsonNode op = API.operation(key).orElseThrow();
            if (!operationIds.add(op.path("operationId").asText(key))) {
                problems.add(key + ": operationId " + op.path("operationId").asText() + " used twice");
            }
            if (!op.hasNonNull("summary")) {
                problems.add(key + ": no summary");
            }
            Set<String> declared = new HashSet<>();
            String path = key.substring(key.indexOf(' ') + 1);
            for (JsonNode p : List.of(op.path("parameters"), API.root().path("paths").path(path).path("parameters"))) {
                p.forEach(parameter -> {
                    JsonNode resolved = API.resolve(parameter);
                    if ("path".equals(resolved.path("in").asText())) {
                        declared.add(resolved.path("name").asText());
                    }
                });
            }
            Matcher m = param.matcher(path);
            while (m.find()) {
                if (!declared.contains(m.group(1))) {
                    problems.add(key + ": path parameter {" + m.group(1) + "} not declared");
                }
            }
            boolean success = false;
            for (var it = op.path("responses").fieldNames(); it.hasNext(); ) {
                success |= it.next().startsWith("2");
            }
            if (!success) {
                problems.add(key + ": no 2xx response");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void theDocument_shouldBeAValidOpenApi31Document() {
        // GIVEN openapi.yaml / WHEN checked against the OpenAPI 3.1 document schema / THEN nothing is wrong
        assertEquals(List.of(), API.checkDocument());
        // AND the check refuses a document that is not one: no info, a response without its description, a bad version
        com.fasterxml.jackson.databind.node.ObjectNode broken = API.root().deepCopy();
        broken.remove("info");
        broken.put("openapi", "3.0.3");
        String firstPath = broken.path("paths").fieldNames().next();
        JsonNode firstOperation = broken.path("paths").path(firstPath).elements().next();
        ((com.fasterxml.jackson.databind.node.ObjectNode) firstOperation.path("responses").elements().next()).remove("description");
        List<String> problems = OpenApiDocument.of(broken).checkDocument();
        for (String expected : List.of("info", "openapi", firstPath)) {
            assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), expected + " not reported: " + problems);
        }
    }

    @Test
    void everyExample_shouldValidateAgainstItsSchema() {
        List<String> problems = API.checkExamples();
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertTrue(API.exampleCount() >= API.operations().size(), "at least one example per operation");
    }

    @Test
    void theChecks_shouldRefuseWhatDrifts() {
        // GIVEN responses that drift from the description in each way the handler tests would catch
        Map<String, List<String>> drifts = Map.of(
                "undeclared status", API.checkResponse("GET", "/stores", 418, "{}"),
                "unknown route", API.checkResponse("GET", "/no/such/route", 200, "{}"),
                "missing member", API.checkResponse("GET", "/health", 200, "{\"status\":\"healthy\"}"),
                "extra member", API.checkResponse("GET", "/health", 200,
                        "{\"status\":\"healthy\",\"services\":{\"database\":{\"status\":\"up\",\"latencyMs\":1},"
                                + "\"cache\":{\"status\":\"up\",\"latencyMs\":1}},\"internals\":\"x\"}"),
                "unlisted error code", API.checkResponse("GET", "/users/alice", 403,
                        "{\"error\":{\"code\":\"no_such_code\",\"message\":\"m\"}}"),
                "bad format", API.checkResponse("GET", "/effects", 200,
                        "{\"target\":\"user:a\",\"effects\":[{\"effectId\":\"e\",\"type\":\"level_up\",\"data\":{},"
                                + "\"createdAt\":\"yesterday\",\"expiresAt\":\"2026-12-01T09:06:32Z\",\"sequence\":1}]}"));
        // THEN each is refused
        drifts.forEach((what, problems) -> assertTrue(!problems.isEmpty(), what + " was accepted"));
        // AND a conforming one passes
        assertEquals(List.of(), API.checkResponse("GET", "/health", 200,
                "{\"status\":\"healthy\",\"services\":{\"database\":{\"status\":\"up\",\"latencyMs\":1},"
                        + "\"cache\":{\"status\":\"up\",\"mode\":\"redis\",\"latencyMs\":1}}}"));
    }

    @Test
    void startApi_shouldServeTheDescription_asYamlJsonAndAPage() throws Exception {
        ApiDescription description = new ApiDescription(com.mallquest.local.services.RepositoryRoot.locate());
        var yaml = description.reply("GET", "/openapi.yaml").orElseThrow();
        assertEquals(200, yaml.status());
        assertTrue(new String(yaml.body(), java.nio.charset.StandardCharsets.UTF_8).startsWith("openapi: 3.1"));
        var json = description.reply("GET", "/openapi.json").orElseThrow();
        assertEquals(API.root(), JsonText.MAPPER.readTree(json.body()));
        String page = new String(description.reply("GET", "/docs").orElseThrow().body(), java.nio.charset.StandardCharsets.UTF_8);
        for (String key : API.operations()) {
            assertTrue(page.contains(key.substring(key.indexOf(' ') + 1).replace("<", "&lt;")), key);
        }
        assertTrue(description.reply("POST", "/openapi.json").isEmpty());
        assertTrue(description.reply("GET", "/other").isEmpty());
    }
}
