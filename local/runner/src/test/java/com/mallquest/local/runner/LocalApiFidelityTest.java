package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.services.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * start-api end to end on a free port, with test functions whose behaviour is known (echo, plain string, throw,
 * sleep past the timeout): proves the runner's own fidelity (events, responses, environment, authorizer,
 * warm containers, timeouts, schedules, seed data) independently of MallQuest's handlers.
 */
class LocalApiFidelityTest {

    private static FixtureStack fixture;
    private static LocalStack stack;
    private static LocalApi api;
    private static HttpClient http;
    private static LocalJwt jwt;

    @BeforeAll
    static void start() throws Exception {
        fixture = new FixtureStack();
        Path envVars = fixture.root.resolve("env.json");
        Files.writeString(envVars, "{\"Parameters\":{\"STAGE\":\"from-file\",\"NOT_DECLARED\":\"x\"},\"EchoFunction\":{\"OWN\":\"own-file\"}}");
        Path seed = Files.createDirectories(fixture.root.resolve("local/seed"));
        Files.writeString(seed.resolve("ThingsTable.json"), "[{\"pk\":\"seeded-1\",\"n\":1,\"tags\":[\"a\"]},{\"pk\":\"seeded-2\",\"ok\":true}]");
        stack = LocalStack.open(fixture.options(FixtureStack.shell(Map.of("FROM_SHELL", "shell", "ONLY_IN_SHELL", "secret")),
                Map.of(), Optional.of(envVars)), Optional.empty());
        api = LocalApi.start(stack, "127.0.0.1", 0, true);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        jwt = new LocalJwt(LocalJwt.DEVELOPMENT_SECRET, stack.template().jwtRules(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
    }

    private static String token() {
        return jwt.issue("alice", List.of("admin", "store"), 600);
    }

    @Test
    void proxyRoute_shouldDeliverPayloadV2Event_likeApiGateway() throws Exception {
        // GIVEN a signed-in caller sending a JSON body, repeated query names, cookies and a custom header
        HttpResponse<String> response = send(get("/echo/a/b%20c?x=1&x=2&y=z%21")
                .header("Authorization", "Bearer " + token())
                .header("X-Custom", "v1")
                .header("Cookie", "c1=1; c2=2")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":\"world\"}")));

        // THEN the function's response comes back as is: its status, headers and cookies
        assertEquals(201, response.statusCode(), response.body());
        assertEquals("yes", response.headers().firstValue("x-echo").orElse(null));
        assertEquals(List.of("a=1; Path=/", "b=2"), response.headers().allValues("set-cookie"));
        // AND the event is what API Gateway builds
        JsonNode event = JsonText.MAPPER.readTree(response.body()).get("event");
        assertEquals("2.0", event.get("version").asText());
        assertEquals("ANY /echo/{proxy+}", event.get("routeKey").asText());
        assertEquals("/echo/a/b%20c", event.get("rawPath").asText());
        assertEquals("x=1&x=2&y=z%21", event.get("rawQueryString").asText());
        assertEquals("1,2", event.at("/queryStringParameters/x").asText());
        assertEquals("z!", event.at("/queryStringParameters/y").asText());
        assertEquals("a/b c", event.at("/pathParameters/proxy").asText());
        assertEquals("v1", event.at("/headers/x-custom").asText());
        assertTrue(event.get("headers").path("cookie").isMissingNode(), "the Cookie header moves to cookies");
        assertEquals("[\"c1=1\",\"c2=2\"]", event.get("cookies").toString());
        assertEquals("{\"hello\":\"world\"}", event.get("body").asText());
        assertFalse(event.get("isBase64Encoded").asBoolean());
        JsonNode context = event.get("requestContext");
        assertEquals("POST", context.at("/http/method").asText());
        assertEquals("/echo/a/b%20c", context.at("/http/path").asText());
        assertEquals("127.0.0.1", context.at("/http/sourceIp").asText());
        assertEquals("$default", context.get("stage").asText());
        assertEquals("ANY /echo/{proxy+}", context.get("routeKey").asText());
        assertEquals(response.headers().firstValue("apigw-requestid").orElseThrow(), context.get("requestId").asText());
        assertTrue(Math.abs(context.get("timeEpoch").asLong() - System.currentTimeMillis()) < 120_000);
        assertTrue(context.get("time").asText().matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000"), context.get("time").asText());
        JsonNode claims = context.at("/authorizer/jwt/claims");
        assertEquals("alice", claims.get("sub").asText());
        assertEquals("[admin store]", claims.get("cognito:groups").asText());
        assertTrue(claims.get("exp").isTextual(), "claims are strings, as API Gateway passes them");
    }

    @Test
    void binaryBody_shouldArriveBase64Encoded() throws Exception {
        // GIVEN a body that is not text
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        HttpResponse<String> response = send(get("/echo/bin").header("Authorization", token())
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        // THEN the event carries it base64-encoded and flagged
        JsonNode event = JsonText.MAPPER.readTree(response.body()).get("event");
        assertTrue(event.get("isBase64Encoded").asBoolean());
        assertEquals(Base64.getEncoder().encodeToString(bytes), event.get("body").asText());
        assertEquals("PUT", event.at("/requestContext/http/method").asText());
    }

    @Test
    void environment_shouldFollowSamPrecedence_andHoldOnlyWhatLambdaGives() throws Exception {
        // WHEN the echo function reports its environment
        JsonNode body = JsonText.MAPPER.readTree(send(get("/open/1")).body());
        JsonNode env = body.get("env");
        // THEN template variables are resolved to local values (Globals merged, the function's own win)
        assertEquals(fixture.tablePrefix + "ThingsTable", env.get("THINGS_TABLE").asText());
        assertEquals("hi", env.get("GREETING").asText());
        assertEquals(stack.backends().cacheUrl(), env.get("REDIS_URL").asText(),
                "no REDIS_URL in the shell: the cache endpoint resolves to the runner's own redis-server");
        assertTrue(env.get("REDIS_URL").asText().matches("redis://127\\.0\\.0\\.1:\\d+"), env.get("REDIS_URL").asText());
        assertEquals("false", env.get("REDIS_CLUSTER").asText());
        assertEquals(MotoServer.shared().endpoint().toString(), env.get("DYNAMODB_ENDPOINT").asText());
        // AND the shell overrides a declared variable, the --env-vars file overrides both
        assertEquals("shell", env.get("FROM_SHELL").asText());
        assertEquals("from-file", env.get("STAGE").asText());
        assertEquals("own-file", env.get("OWN").asText());
        assertTrue(env.path("NOT_DECLARED").isMissingNode());
        assertTrue(env.path("ONLY_IN_SHELL").isMissingNode(), "the runner's shell does not leak into functions");
        // AND what Lambda and SAM set is there
        assertEquals("true", env.get("AWS_SAM_LOCAL").asText());
        assertEquals("EchoFunction", env.get("AWS_LAMBDA_FUNCTION_NAME").asText());
        assertEquals("256", env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").asText());
        assertEquals("20", env.get("AWS_LAMBDA_FUNCTION_TIMEOUT").asText());
        assertEquals(LocalAws.REGION, env.get("AWS_REGION").asText());
        assertEquals("EchoFunction", body.get("functionName").asText());
        long remaining = body.get("remainingMs").asLong();
        assertTrue(remaining > 0 && remaining <= 20_000, "the Context deadline is the function timeout: " + remaining);
    }

    @Test
    void container_shouldStayWarm_acrossInvocations() throws Exception {
        // WHEN the same function is called twice in a row
        JsonNode first = JsonText.MAPPER.readTree(send(get("/open/warm-1")).body());
        JsonNode second = JsonText.MAPPER.readTree(send(get("/open/warm-2")).body());
        // THEN the second ran in the container initialised for the first
        assertEquals(first.get("container").asText(), second.get("container").asText());
        assertTrue(second.get("invocations").asInt() > first.get("invocations").asInt());
    }

    @Test
    void protectedRoute_shouldAnswer401WithoutInvoking_whenTokenIsMissingOrInvalid() throws Exception {
        LocalJwt otherSecret = new LocalJwt("not-the-secret", stack.template().jwtRules(), Clock.systemUTC());
        LocalJwt past = new LocalJwt(LocalJwt.DEVELOPMENT_SECRET, stack.template().jwtRules(),
                Clock.fixed(Instant.now().minusSeconds(7200), ZoneOffset.UTC));
        LocalJwt wrongIssuer = new LocalJwt(LocalJwt.DEVELOPMENT_SECRET,
                new LocalTemplate.JwtRules(Optional.of("https://elsewhere"), List.of("local-client")), Clock.systemUTC());
        LocalJwt wrongAudience = new LocalJwt(LocalJwt.DEVELOPMENT_SECRET,
                new LocalTemplate.JwtRules(Optional.of("https://issuer.example"), List.of("someone-else")), Clock.systemUTC());
        long now = Instant.now().getEpochSecond();
        String claims = "{\"sub\":\"mallory\",\"iss\":\"https://issuer.example\",\"aud\":\"local-client\",\"exp\":" + (now + 600) + "}";
        String unsigned = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims) + ".";
        String hs384 = jwt.sign("{\"alg\":\"HS384\",\"typ\":\"JWT\"}", claims);
        String notYet = jwt.sign("{\"alg\":\"HS256\"}", claims.replace("}", ",\"nbf\":" + (now + 600) + "}"));
        String noExp = jwt.sign("{\"alg\":\"HS256\"}", "{\"sub\":\"mallory\",\"iss\":\"https://issuer.example\",\"aud\":\"local-client\"}");
        Map<String, Optional<String>> cases = new java.util.LinkedHashMap<>();
        cases.put("missing", Optional.empty());
        cases.put("garbage", Optional.of("Bearer not.a.jwt"));
        cases.put("expired", Optional.of("Bearer " + past.issue("alice", List.of(), 60)));
        cases.put("bad signature", Optional.of("Bearer " + otherSecret.issue("alice", List.of("admin"), 600)));
        cases.put("alg none", Optional.of("Bearer " + unsigned));
        cases.put("alg HS384", Optional.of("Bearer " + hs384));
        cases.put("nbf in the future", Optional.of("Bearer " + notYet));
        cases.put("no exp", Optional.of("Bearer " + noExp));
        cases.put("wrong issuer", Optional.of("Bearer " + wrongIssuer.issue("alice", List.of(), 600)));
        cases.put("wrong audience", Optional.of("Bearer " + wrongAudience.issue("alice", List.of(), 600)));
        LocalFunction echo = stack.function("EchoFunction");
        for (Map.Entry<String, Optional<String>> c : cases.entrySet()) {
            // GIVEN a request to a JWT route with a bad or missing token
            HttpRequest.Builder request = get("/items/42");
            c.getValue().ifPresent(v -> request.header("Authorization", v));
            long before = echo.invocations();
            // WHEN it is sent
            HttpResponse<String> response = send(request);
            // THEN API Gateway's 401 comes back and the function never ran
            assertEquals(401, response.statusCode(), c.getKey());
            assertEquals("{\"message\":\"Unauthorized\"}", response.body(), c.getKey());
            assertEquals(before, echo.invocations(), c.getKey() + ": the function must not be invoked");
        }
        // AND a good token passes
        HttpResponse<String> ok = send(get("/items/42").header("Authorization", "Bearer " + token()));
        assertEquals(201, ok.statusCode());
        assertEquals("42", JsonText.MAPPER.readTree(ok.body()).at("/event/pathParameters/itemId").asText());
    }

    @Test
    void authorizer_shouldRefuseFutureIatAbsurdExpAndClientIdMatch_whenApiGatewayWould() throws Exception {
        long now = Instant.now().getEpochSecond();
        String base = "\"sub\":\"mallory\",\"iss\":\"https://issuer.example\"";
        String good = ",\"aud\":\"local-client\",\"exp\":" + (now + 600);
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("iat in the future", "{" + base + good + ",\"iat\":" + (now + 600) + "}");
        refused.put("iat not a number", "{" + base + good + ",\"iat\":\"yesterday\"}");
        refused.put("nbf in the future", "{" + base + good + ",\"nbf\":" + (now + 60) + "}");
        refused.put("exp wrapping around a long", "{" + base + ",\"aud\":\"local-client\",\"exp\":"
                + java.math.BigInteger.ONE.shiftLeft(64).add(java.math.BigInteger.valueOf(now + 600)) + "}");
        refused.put("exp saturating a long", "{" + base + ",\"aud\":\"local-client\",\"exp\":1e300}");
        refused.put("exp negative", "{" + base + ",\"aud\":\"local-client\",\"exp\":-1}");
        refused.put("aud wrong, client_id right", "{" + base + ",\"aud\":\"someone-else\",\"client_id\":\"local-client\",\"exp\":"
                + (now + 600) + "}");
        refused.put("aud an empty list, client_id right", "{" + base + ",\"aud\":[],\"client_id\":\"local-client\",\"exp\":"
                + (now + 600) + "}");
        LocalFunction echo = stack.function("EchoFunction");
        for (Map.Entry<String, String> c : refused.entrySet()) {
            // GIVEN a correctly signed token whose claims API Gateway refuses
            String token = jwt.sign("{\"alg\":\"HS256\"}", c.getValue());
            long before = echo.invocations();
            // WHEN it is sent to a JWT route
            HttpResponse<String> response = send(get("/items/7").header("Authorization", "Bearer " + token));
            // THEN 401, and the function never ran
            assertEquals(401, response.statusCode(), c.getKey());
            assertEquals(before, echo.invocations(), c.getKey() + ": the function must not be invoked");
        }
        // AND an access token without aud is matched by its client_id (Cognito's access tokens), a current iat passes
        String access = jwt.sign("{\"alg\":\"HS256\"}", "{" + base + ",\"client_id\":\"local-client\",\"token_use\":\"access\","
                + "\"iat\":" + now + ",\"exp\":" + (now + 600) + "}");
        assertEquals(201, send(get("/items/7").header("Authorization", "Bearer " + access)).statusCode());
        // AND an aud list holding the audience passes
        String listed = jwt.sign("{\"alg\":\"HS256\"}", "{" + base + ",\"aud\":[\"other\",\"local-client\"],\"exp\":" + (now + 600) + "}");
        assertEquals(201, send(get("/items/7").header("Authorization", "Bearer " + listed)).statusCode());
    }

    @Test
    void publicRoute_shouldInvokeWithoutAuthorizerBlock() throws Exception {
        JsonNode event = JsonText.MAPPER.readTree(send(get("/open/7")).body()).get("event");
        assertEquals("GET /open/{id}", event.get("routeKey").asText());
        assertEquals("7", event.at("/pathParameters/id").asText());
        assertTrue(event.at("/requestContext/authorizer").isMissingNode());
    }

    @Test
    void unknownRouteOrMethod_shouldAnswerApiGateways404() throws Exception {
        HttpResponse<String> unknown = send(get("/nowhere"));
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", unknown.body());
        HttpResponse<String> wrongMethod = send(get("/items/1").header("Authorization", token()).DELETE());
        assertEquals(404, wrongMethod.statusCode());
    }

    @Test
    void plainStringResult_shouldBecome200Json() throws Exception {
        HttpResponse<String> response = send(get("/string"));
        assertEquals(200, response.statusCode());
        assertEquals("hello from StringFunction", response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(null));
    }

    @Test
    void functionError_shouldBecomeApiGateways500() throws Exception {
        HttpResponse<String> response = send(get("/fail"));
        assertEquals(500, response.statusCode());
        assertEquals("{\"message\":\"Internal Server Error\"}", response.body());
        assertTrue(stack.function("FailFunction").lastResult().orElseThrow().payloadText().contains("boom"));
    }

    @Test
    void slowFunction_shouldBeStoppedAtItsTimeout() throws Exception {
        // GIVEN a function with Timeout: 2 that sleeps 30 s
        long started = System.nanoTime();
        HttpResponse<String> response = send(get("/slow"));
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        // THEN the caller gets a 500 once the timeout passes, not after the sleep
        assertEquals(500, response.statusCode());
        assertEquals(InvocationResult.Outcome.TIMEOUT, stack.function("SlowFunction").lastResult().orElseThrow().outcome());
        assertTrue(tookMs < 25_000, "took " + tookMs + " ms");
    }

    @Test
    void schedule_shouldFireWithEventBridgeScheduledEvent() throws Exception {
        // GIVEN start-api with --fire-schedules-now and EchoFunction's rate(1 day) schedule
        LocalFunction echo = stack.function("EchoFunction");
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode scheduled = null;
        while (scheduled == null && System.nanoTime() < deadline) {
            scheduled = fixture.lines.stream().filter(l -> l.startsWith("schedule EchoFunction/Tick")).findFirst()
                    .map(l -> JsonText.parse(l.substring(l.indexOf("SUCCESS ") + 8).getBytes(StandardCharsets.UTF_8), "result"))
                    .orElse(null);
            Thread.sleep(100);
        }
        // THEN the function ran with the event EventBridge sends
        assertTrue(scheduled != null, "no schedule firing logged: " + fixture.lines);
        JsonNode event = JsonText.MAPPER.readTree(scheduled.get("body").asText()).get("event");
        assertEquals("Scheduled Event", event.get("detail-type").asText());
        assertEquals("aws.events", event.get("source").asText());
        assertEquals(LocalAws.ACCOUNT_ID, event.get("account").asText());
        assertTrue(event.get("resources").get(0).asText().startsWith("arn:aws:events:" + LocalAws.REGION + ":"));
        assertTrue(event.get("detail").isObject());
        assertNotEquals("", event.get("id").asText());
        assertTrue(echo.invocations() >= 1);
    }

    @Test
    void seedFile_shouldLoadIntoEmptyTable() {
        var client = MotoServer.shared().client();
        var items = client.scan(b -> b.tableName(fixture.tablePrefix + "ThingsTable")).items();
        client.close();
        assertEquals(2, items.size());
        var first = items.stream().filter(i -> i.get("pk").s().equals("seeded-1")).findFirst().orElseThrow();
        assertEquals("1", first.get("n").n());
        assertEquals("a", first.get("tags").l().get(0).s());
    }

    @Test
    void banner_shouldListRoutesAndSchedules() {
        String banner = String.join("\n", api.banner("127.0.0.1"));
        assertTrue(banner.contains("ANY     /echo/{proxy+}"), banner);
        assertTrue(banner.contains("GET     /open/{id}") && banner.contains("public"), banner);
        assertTrue(banner.contains("EchoFunction") && banner.contains("rate(1 day)"), banner);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
