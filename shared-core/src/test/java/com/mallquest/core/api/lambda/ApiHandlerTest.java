package com.mallquest.core.api.lambda;

import com.mallquest.core.platform.wiring.Platform;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.core.testing.TestStack;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiHandlerTest {

    /** A body with validation in its compact constructor, as the feature records do. */
    record Thing(String name, int count) {
        Thing {
            if (name == null || name.isBlank()) {
                throw DomainException.invalid("name", "name is required");
            }
            if (count < 1) {
                throw DomainException.invalid("count", "count must be at least 1");
            }
        }
    }

    static final class TestHandler extends ApiHandler {
        TestHandler(Platform core) {
            super(core);
        }

        @Override
        protected List<Route> routes() {
            return List.of(
                    Route.post("/things", Access.USER, r -> ApiResponse.created(
                            Map.of("thing", r.body(Thing.class), "owner", r.requireCaller().userId()))),
                    Route.get("/things/mine", Access.USER, r -> ApiResponse.ok(Map.of("mine", true))),
                    Route.get("/things/{id}", Access.PUBLIC, r -> ApiResponse.ok(Map.of("id", r.pathParameter("id")))),
                    Route.get("/admin", Access.ADMIN, r -> ApiResponse.ok(Map.of("ok", true))),
                    Route.get("/coupon", Access.PUBLIC, r -> {
                        throw DomainException.conflict("coupon_already_used", "used before")
                                .detail("usedAt", "2026-12-01T10:00:00Z").retryAfter(java.time.Duration.ofMillis(1500));
                    }),
                    Route.get("/boom", Access.PUBLIC, r -> {
                        throw new IllegalStateException("secret internals: table users-prod");
                    }));
        }
    }

    private final TestHandler handler = new TestHandler(
            TestStack.withoutTables("test", Clock.systemUTC(), Map.of("MAX_BODY_BYTES", "1024")));

    private static APIGatewayV2HTTPEvent event(String method, String path, String body, Map<String, String> claims) {
        return ApiEvents.request(method, path).body(body).claims(claims).header("Content-Type", "application/json")
                .requestId("req-1").build();
    }

    private static final Map<String, String> USER = Map.of("sub", "user-1", "cognito:groups", "[store]");
    private static final Map<String, String> ADMIN = Map.of("sub", "admin-1", "cognito:groups", "[admin]");

    @Test
    void handle_shouldAnswer403_whenTheStackHasAnEdge_andTheRequestDidNotComeThroughIt() throws Exception {
        // GIVEN a container whose stack puts the API behind its CloudFront edge (EDGE_SECRET set)
        TestHandler edged = new TestHandler(TestStack.withoutTables("test", Clock.systemUTC(),
                Map.of("EDGE_SECRET", "edge-secret-0123456789abcdef0123456789")));
        // WHEN a request comes straight to the API (no header), with a wrong value, and through the edge
        var direct = edged.handleRequest(event("GET", "/admin", null, ADMIN), null);
        var forged = edged.handleRequest(ApiEvents.request("GET", "/admin").claims(ADMIN)
                .header("X-MallQuest-Edge", "edge-secret-0123456789abcdef0123456788").build(), null);
        var throughEdge = edged.handleRequest(ApiEvents.request("GET", "/admin").claims(ADMIN)
                .header("X-MallQuest-Edge", "edge-secret-0123456789abcdef0123456789").build(), null);
        // THEN only the edge's request is served; the others are a 403 naming the edge, before any route runs
        assertEquals(403, direct.getStatusCode());
        assertEquals("edge_required", json(direct).at("/error/code").asText());
        assertEquals(403, forged.getStatusCode());
        assertEquals(200, throughEdge.getStatusCode());
        // AND a stack without an edge (the default, local mode) does not ask for the header
        assertEquals(200, handler.handleRequest(event("GET", "/admin", null, ADMIN), null).getStatusCode());
    }

    @Test
    void handle_shouldRouteAndReadTypedBody_whenRequestIsValid() throws Exception {
        // WHEN
        var response = handler.handleRequest(event("POST", "/things", "{\"name\":\"mug\",\"count\":2}", USER), null);
        // THEN
        assertEquals(201, response.getStatusCode());
        assertEquals("application/json; charset=utf-8", response.getHeaders().get("Content-Type"));
        assertEquals("mug", json(response).at("/thing/name").asText());
        assertEquals("user-1", json(response).at("/owner").asText());
    }

    @Test
    void handle_shouldAnswer400NamingTheField_forEachKindOfBadBody() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"name\":\"\",\"count\":2}", "name",
                "{\"name\":\"mug\",\"count\":0}", "count",
                "{\"name\":\"mug\",\"count\":\"two\"}", "count",
                "{\"name\":\"mug\",\"count\":2,\"price\":3}", "price");
        for (var c : cases.entrySet()) {
            var response = handler.handleRequest(event("POST", "/things", c.getKey(), USER), null);
            assertEquals(400, response.getStatusCode(), c.getKey());
            assertEquals(c.getValue(), json(response).at("/error/field").asText(), c.getKey());
            assertFalse(json(response).at("/error/code").asText().isEmpty());
        }
    }

    @Test
    void handle_shouldAnswer400_whenBodyIsNotJsonOrMissing() throws Exception {
        var malformed = handler.handleRequest(event("POST", "/things", "{\"name\":", USER), null);
        assertEquals(400, malformed.getStatusCode());
        assertEquals("malformed_json", json(malformed).at("/error/code").asText());

        var array = handler.handleRequest(event("POST", "/things", "[1,2]", USER), null);
        assertEquals(400, array.getStatusCode());

        var missing = handler.handleRequest(event("POST", "/things", null, USER), null);
        assertEquals(400, missing.getStatusCode());
        assertEquals("missing_body", json(missing).at("/error/code").asText());
    }

    @Test
    void handle_shouldAnswer400InvalidBody_whenBodyIsTheJsonLiteralNull() throws Exception {
        // GIVEN a body that is valid JSON but no object: null (it used to reach the route as a null record: 500)
        // WHEN
        var response = handler.handleRequest(event("POST", "/things", "null", USER), null);
        // THEN
        assertEquals(400, response.getStatusCode());
        assertEquals("invalid_body", json(response).at("/error/code").asText());
    }

    @Test
    void handle_shouldAnswer400NamingTheField_whenAScalarHasTheWrongJsonType() throws Exception {
        // GIVEN values Jackson would coerce by default: number/boolean -> string, string -> number, fraction -> int
        Map<String, String> cases = Map.of(
                "{\"name\":1001,\"count\":2}", "name",
                "{\"name\":true,\"count\":2}", "name",
                "{\"name\":1.5,\"count\":2}", "name",
                "{\"name\":\"mug\",\"count\":\"2\"}", "count",
                "{\"name\":\"mug\",\"count\":2.7}", "count",
                "{\"name\":\"mug\",\"count\":1e-9}", "count");
        for (var c : cases.entrySet()) {
            // WHEN
            var response = handler.handleRequest(event("POST", "/things", c.getKey(), USER), null);
            // THEN: rejected, never silently converted (2.7 must not become 2)
            assertEquals(400, response.getStatusCode(), c.getKey());
            assertEquals("invalid_field", json(response).at("/error/code").asText(), c.getKey());
            assertEquals(c.getValue(), json(response).at("/error/field").asText(), c.getKey());
        }
    }

    @Test
    void handle_shouldAnswer400MalformedJson_whenAKeyIsGivenTwice() throws Exception {
        // GIVEN a body whose validated value could differ from the used one
        // WHEN
        var response = handler.handleRequest(event("POST", "/things", "{\"name\":\"a\",\"name\":\"\",\"count\":1}", USER), null);
        // THEN
        assertEquals(400, response.getStatusCode());
        assertEquals("malformed_json", json(response).at("/error/code").asText());
    }

    @Test
    void handle_shouldNotEchoParserInternals_whenBodyIsMalformedOrTooDeep() throws Exception {
        // GIVEN an unterminated object and a body nested beyond the parser's limit
        String deep = "{\"name\":" + "[".repeat(40) + "]".repeat(40) + ",\"count\":1}";
        for (String body : List.of("{\"name\":\"mug\"", deep)) {
            // WHEN
            var response = handler.handleRequest(event("POST", "/things", body, USER), null);
            // THEN: a 400 with a plain message, no Jackson source excerpt or constraint class names
            assertEquals(400, response.getStatusCode(), body);
            String message = json(response).at("/error/message").asText();
            assertFalse(message.contains("Source") || message.contains("REDACTED")
                    || message.contains("StreamReadConstraints") || message.contains("`"), message);
        }
    }

    @Test
    void handle_shouldNameNoParserFeature_whenABodyHoldsNaNOrGarbage() throws Exception {
        // GIVEN bodies whose Jackson messages name JsonReadFeature switches and quote tokens
        for (String body : List.of("{\"name\":\"mug\",\"count\":NaN}", "{\"name\":\"mug\",\"count\":-Infinity}",
                "{\"name\":'mug'}", "{\"name\":\"mug\",,}", "{\"name\":\"a\",\"name\":\"b\"}")) {
            // WHEN
            var response = handler.handleRequest(event("POST", "/things", body, USER), null);
            // THEN a 400 malformed_json in the API's own words
            assertEquals(400, response.getStatusCode(), body);
            assertEquals("malformed_json", json(response).at("/error/code").asText(), body);
            String message = json(response).at("/error/message").asText();
            assertFalse(message.contains("JsonReadFeature") || message.contains("ALLOW_") || message.contains("`")
                    || message.contains("code 39") || message.contains("'mug'") || message.contains("enable"), message);
            assertTrue(message.startsWith("The body is not valid JSON: "), message);
        }
    }

    @Test
    void handle_shouldForbidCachingAndSniffing_whenTheRouteIsNotPublic() {
        // GIVEN a route for users, one for admins, and a public one
        // WHEN each is answered (a success, a refusal, and a public answer)
        var mine = handler.handleRequest(event("GET", "/things/mine", null, USER), null);
        var refused = handler.handleRequest(event("GET", "/admin", null, USER), null);
        var anonymous = handler.handleRequest(event("GET", "/things/mine", null, null), null);
        var unmatched = handler.handleRequest(event("GET", "/nowhere", null, USER), null);
        var open = handler.handleRequest(event("GET", "/things/7", null, null), null);
        // THEN every answer of a non-public route says no-store, every answer says nosniff
        for (var response : List.of(mine, refused, anonymous, unmatched)) {
            assertEquals("no-store", response.getHeaders().get("Cache-Control"), response.getBody());
            assertEquals("nosniff", response.getHeaders().get("X-Content-Type-Options"));
        }
        assertEquals(200, mine.getStatusCode());
        assertEquals(403, refused.getStatusCode());
        assertEquals(401, anonymous.getStatusCode());
        assertFalse(open.getHeaders().containsKey("Cache-Control"), "a public answer may be cached");
        assertEquals("nosniff", open.getHeaders().get("X-Content-Type-Options"));
    }

    @Test
    void handle_shouldAnswer413_whenBodyExceedsTheLimit() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(2000) + "\",\"count\":1}";
        var response = handler.handleRequest(event("POST", "/things", big, USER), null);
        assertEquals(413, response.getStatusCode());
        assertEquals("payload_too_large", json(response).at("/error/code").asText());
    }

    @Test
    void handle_shouldDecodeBase64Bodies() throws Exception {
        var e = event("POST", "/things", Base64.getEncoder().encodeToString(
                "{\"name\":\"mug\",\"count\":1}".getBytes(StandardCharsets.UTF_8)), USER);
        e.setIsBase64Encoded(true);
        assertEquals(201, handler.handleRequest(e, null).getStatusCode());

        var bad = event("POST", "/things", "%%%not-base64", USER);
        bad.setIsBase64Encoded(true);
        var response = handler.handleRequest(bad, null);
        assertEquals(400, response.getStatusCode());
        assertEquals("invalid_body", json(response).at("/error/code").asText());
    }

    @Test
    void handle_shouldEnforceAccess_401WithoutIdentity_403ForWrongRole() throws Exception {
        assertEquals(401, handler.handleRequest(event("POST", "/things", "{}", null), null).getStatusCode());
        assertEquals(401, handler.handleRequest(event("GET", "/admin", null, null), null).getStatusCode());
        var forbidden = handler.handleRequest(event("GET", "/admin", null, USER), null);
        assertEquals(403, forbidden.getStatusCode());
        assertEquals("forbidden", json(forbidden).at("/error/code").asText());
        assertEquals(200, handler.handleRequest(event("GET", "/admin", null, ADMIN), null).getStatusCode());
    }

    @Test
    void handle_shouldAnswer401_whenTheTokensSubIsNoValidUserId() throws Exception {
        // GIVEN a verified token whose sub has a slash and a space (used to reach the features: 500)
        var response = handler.handleRequest(event("POST", "/things", "{\"name\":\"mug\",\"count\":1}",
                Map.of("sub", "a/b c")), null);
        // THEN 401, as without a token
        assertEquals(401, response.getStatusCode());
        assertEquals("unauthorized", json(response).at("/error/code").asText());
    }

    @Test
    void handle_shouldPreferTheLiteralRoute_andDecodePathParameters() throws Exception {
        assertTrue(json(handler.handleRequest(event("GET", "/things/mine", null, USER), null)).at("/mine").asBoolean());
        assertEquals("a b", json(handler.handleRequest(event("GET", "/things/a%20b", null, null), null)).at("/id").asText());
    }

    @Test
    void handle_shouldKeepPlusInPathParameters_andAnswer400ForBrokenEscapes() throws Exception {
        // GIVEN a user id with '+' (allowed in ids) and a path with a malformed %-escape
        // WHEN / THEN: '+' is not form-decoded to a space
        assertEquals("a+b", json(handler.handleRequest(event("GET", "/things/a+b", null, null), null)).at("/id").asText());
        assertEquals("a/b", json(handler.handleRequest(event("GET", "/things/a%2Fb", null, null), null)).at("/id").asText());
        // WHEN / THEN: a broken escape is the client's error, not a 500
        var broken = handler.handleRequest(event("GET", "/things/%zz", null, null), null);
        assertEquals(400, broken.getStatusCode());
        assertEquals("id", json(broken).at("/error/field").asText());
    }

    @Test
    void handle_shouldAnswer404And405AsJson() throws Exception {
        var notFound = handler.handleRequest(event("GET", "/nowhere", null, USER), null);
        assertEquals(404, notFound.getStatusCode());
        assertEquals("not_found", json(notFound).at("/error/code").asText());
        var wrongMethod = handler.handleRequest(event("DELETE", "/admin", null, ADMIN), null);
        assertEquals(405, wrongMethod.getStatusCode());
        assertEquals("GET", wrongMethod.getHeaders().get("Allow"));
    }

    @Test
    void handle_shouldAnswerAGeneric500WithoutInternals_whenARouteFails() throws Exception {
        var response = handler.handleRequest(event("GET", "/boom", null, null), null);
        assertEquals(500, response.getStatusCode());
        assertEquals("internal_error", json(response).at("/error/code").asText());
        assertFalse(response.getBody().contains("users-prod"));
        assertFalse(response.getBody().contains("Exception"));
        assertTrue(response.getBody().contains("req-1"));
    }

    @Test
    void handle_shouldAnswer503Unavailable_whenDynamoDbCannotBeReached() throws Exception {
        // GIVEN a route that reads DynamoDB through the real client, pointed at a port where nothing listens
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Platform base = TestStack.withoutTables("test", Clock.systemUTC(),
                Map.of("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + closedPort));
        var dynamo = com.mallquest.core.platform.dynamo.DynamoClients.create(base.settings());
        ApiHandler dbHandler = new ApiHandler(TestStack.withDynamoDb(base, dynamo)) {
            @Override
            protected List<Route> routes() {
                return List.of(Route.get("/tables", Access.PUBLIC, r -> ApiResponse.ok(dynamo.listTables().tableNames())));
            }
        };
        // WHEN
        var response = dbHandler.handleRequest(event("GET", "/tables", null, null), null);
        // THEN a retryable 503, not a 500, and no internals (host, port, exception text)
        assertEquals(503, response.getStatusCode(), response.getBody());
        assertEquals("unavailable", json(response).at("/error/code").asText());
        assertEquals("1", response.getHeaders().get("Retry-After"));
        assertFalse(response.getBody().contains(Integer.toString(closedPort)));
        assertFalse(response.getBody().contains("refused") || response.getBody().contains("Exception"));
    }

    @Test
    void handle_shouldAcceptTheSamCliSampleEventShape() throws Exception {
        // GIVEN the event `sam local generate-event apigateway http-api-proxy` makes (base64 body, $default route)
        APIGatewayV2HTTPEvent sample;
        try (InputStream in = getClass().getResourceAsStream("/sam-events/http-api-proxy.json")) {
            sample = SampleEvents.httpApi(in);
        }
        // WHEN
        var response = handler.handleRequest(sample, null);
        // THEN: a JSON 404 for its unknown path, not a crash
        assertEquals(404, response.getStatusCode());
        assertEquals("not_found", json(response).at("/error/code").asText());
    }

    @Test
    void domainException_isAnsweredWithTheStatusOfItsKind_andItsDetails() {
        APIGatewayV2HTTPResponse response = handler.handleRequest(ApiEvents.get("/coupon", Map.of()), null);

        assertEquals(409, response.getStatusCode());
        JsonNode error = json(response).get("error");
        assertEquals("coupon_already_used", error.get("code").asText());
        assertEquals("2026-12-01T10:00:00Z", error.get("usedAt").asText());
        assertEquals("2", response.getHeaders().get("Retry-After"));
    }
}
