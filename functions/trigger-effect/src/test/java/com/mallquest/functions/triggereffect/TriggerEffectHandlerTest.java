package com.mallquest.functions.triggereffect;

import com.mallquest.core.testing.RoleMatrix;
import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.TestStack;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP contract of POST/GET /effects: status codes, bodies and headers through the real handler. */
class TriggerEffectHandlerTest {

    private final TriggerEffectHandler handler = new TriggerEffectHandler(new Services(TestStack.withoutTables("trigger-effect",
            Clock.fixed(Instant.now(), ZoneOffset.UTC), // fixed: every request falls in one throttle second
            Map.of("EFFECTS_MAX_PER_SECOND", "2"))));

    private static APIGatewayV2HTTPEvent event(String method, String body, String sub, Map<String, String> query) {
        return ApiEvents.request(method, "/effects").body(body).caller(sub).query(query).build();
    }

    @Test
    void post_shouldAnswer202WithEffect_andGetShouldListIt() throws Exception {
        // WHEN a user triggers a coin effect
        var posted = ApiContract.handle(handler, event("POST", "{\"type\":\"coin_earned\",\"durationSeconds\":3,\"data\":{\"coins\":50}}", "u-http-1", null));
        // THEN 202 with effectId, type, expiresAt
        assertEquals(202, posted.getStatusCode(), posted.getBody());
        JsonNode body = json(posted);
        assertEquals("coin_earned", body.get("type").asText());
        assertFalse(body.get("effectId").asText().isEmpty());
        assertTrue(body.has("expiresAt"));
        // AND GET /effects lists it with its data
        var listed = ApiContract.handle(handler, event("GET", null, "u-http-1", null));
        assertEquals(200, listed.getStatusCode());
        JsonNode effects = json(listed).get("effects");
        assertEquals(1, effects.size());
        assertEquals(body.get("effectId").asText(), effects.get(0).get("effectId").asText());
        assertEquals(50, effects.get(0).get("data").get("coins").asInt());
    }

    @Test
    void post_shouldAnswer400NamingTheField_whenTypeUnknownOrFieldUnknown() throws Exception {
        var unknownType = ApiContract.handle(handler, event("POST", "{\"type\":\"fireworks\"}", "u-http-2", null));
        assertEquals(400, unknownType.getStatusCode());
        assertEquals("type", json(unknownType).get("error").get("field").asText());
        var unknownField = ApiContract.handle(handler, event("POST", "{\"type\":\"coin_earned\",\"colour\":\"red\"}", "u-http-2", null));
        assertEquals(400, unknownField.getStatusCode());
        assertEquals("colour", json(unknownField).get("error").get("field").asText());
    }

    @Test
    void post_shouldAnswer429WithRetryAfter_beyondTheLimit_and401WithoutCaller() {
        // GIVEN a limit of 2 per second WHEN a user triggers 3 in one second
        // (checked against openapi.yaml after the three calls: a check's time must not stretch the second)
        var request = event("POST", "{\"type\":\"level_up\"}", "u-http-3", null);
        var first = handler.handleRequest(request, null);
        var second = handler.handleRequest(request, null);
        var third = handler.handleRequest(request, null);
        List.of(first, second, third).forEach(response -> ApiContract.check(request, response));
        // THEN the first two are accepted and the third is 429 with Retry-After
        assertEquals(202, first.getStatusCode());
        assertEquals(202, second.getStatusCode());
        assertEquals(429, third.getStatusCode());
        assertEquals("1", third.getHeaders().get("Retry-After"));
        // AND without a verified caller the route is 401
        var anonymous = ApiContract.handle(handler, event("POST", "{\"type\":\"level_up\"}", null, null));
        assertEquals(401, anonymous.getStatusCode());
    }

    @Test
    void authorizationMatrix_shouldHold_forEveryRouteAndRole() {
        // GIVEN the effect routes: any signed-in person triggers and lists their own effects
        RoleMatrix matrix = new RoleMatrix(handler, "zara", "hm");
        // WHEN every route is called as every role THEN:             anon user staffA mgrA staffB mgrB admin
        matrix.row("POST /effects", c -> ApiContract.handle(handler, ApiEvents.request("POST", "/effects")
                        .body("{\"type\":\"level_up\"}").claims(c).build()), 401, 202, 202, 202, 202, 202, 202)
                .row("GET /effects", c -> ApiContract.handle(handler, ApiEvents.request("GET", "/effects").claims(c).build()),
                        401, 200, 200, 200, 200, 200, 200)
                .assertAll();
    }
}
