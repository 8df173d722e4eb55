package com.mallquest.functions.gamification;

import com.mallquest.core.testing.RoleMatrix;
import java.time.Instant;
import java.time.Clock;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditItems;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.StoreSeed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP contract of the gamification routes through the real handler, on moto_server and Redis. */
class GamificationHandlerTest {

    private final Platform core = TestStack.withClock(
            TestStack.empty("gamification", Instant.now(), TestStack.sharedRedis()).core(), Clock.systemUTC());
    private final GamificationHandler handler = new GamificationHandler(new Services(core));
    private final String ann = "ann-" + UUID.randomUUID();
    private final String store = "zara";

    @BeforeEach
    void seed() {
        StoreSeed.load(new Services(core).stores());
    }

    private APIGatewayV2HTTPEvent get(String path, String sub, Map<String, String> query) {
        var builder = ApiEvents.request("GET", path).query(query);
        return (sub == null ? builder : builder.claims(ApiEvents.claims(sub, null))).build();
    }

    /** The handler's answer, checked against openapi.yaml (status, schema, error codes). */
    private APIGatewayV2HTTPResponse call(APIGatewayV2HTTPEvent event) {
        return com.mallquest.core.testing.ApiContract.handle(handler, event);
    }

    /** A receipt's credit as ReceiptService makes it: the visit (week, store) rides in the credit's transaction. */
    private void credit(String user, String id, long xp) {
        Services services = new Services(core, new EffectsService(core.cache(), core.clock(), core.settings()));
        Credit credit = new Credit(user, "receipt:" + store + ":" + id, xp, xp, CreditKind.RECEIPT,
                Map.of("storeId", store, "receiptId", id, "amount", xp + ".00"));
        var result = services.ledger().credit(credit, CreditItems.none().with(services.gamification().visit(credit)));
        services.gamification().onCredited(result);
    }

    @Test
    void publicBoard_shouldAnswerWithoutAToken_andNeverShowRawIds() throws Exception {
        credit(ann, "h1", 4_000_000 + (long) (Math.random() * 1000)); // high enough to be in the top 100
        var response = call(get("/leaderboards/all", null, Map.of("limit", "100")));
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertFalse(response.getBody().contains(ann), "no raw user id on a public board");
        JsonNode body = json(response);
        assertEquals("all", body.get("period").asText());
        assertTrue(body.get("entries").get(0).get("name").asText().startsWith("shopper-"));
        var week = call(get("/leaderboards/week", null, Map.of("store", store, "at", "2026-W48")));
        assertEquals(200, week.getStatusCode(), week.getBody());
        assertEquals("2026-W48", json(week).get("at").asText());
    }

    @Test
    void me_shouldShowRankAndScore_andNeedAToken() throws Exception {
        credit(ann, "m1", 42);
        var mine = call(get("/leaderboards/month/me", ann, Map.of("store", store)));
        assertEquals(200, mine.getStatusCode(), mine.getBody());
        JsonNode body = json(mine);
        assertEquals(42, body.get("score").asLong());
        assertTrue(body.get("rank").asLong() >= 1);
        assertEquals(401, call(get("/leaderboards/month/me", null, null)).getStatusCode());
    }

    @Test
    void badInput_shouldBeA4xxNamingTheField() throws Exception {
        assertField(call(get("/leaderboards/year", null, null)), 400, "period");
        assertField(call(get("/leaderboards/week", null, Map.of("limit", "0"))), 400, "limit");
        assertField(call(get("/leaderboards/week", null, Map.of("limit", "101"))), 400, "limit");
        assertField(call(get("/leaderboards/week", null, Map.of("at", "last-week"))), 400, "at");
        assertField(call(get("/leaderboards/week", null, Map.of("store", "Zara!"))), 400, "store");
        var unknown = call(get("/leaderboards/week", null, Map.of("store", "no-such-store")));
        assertEquals(404, unknown.getStatusCode());
        assertEquals("unknown_store", json(unknown).get("error").get("code").asText());
        var expired = call(get("/leaderboards/week", null, Map.of("at", "2024-W01")));
        assertEquals(410, expired.getStatusCode());
        assertEquals("period_expired", json(expired).get("error").get("code").asText());
    }

    @Test
    void preferences_shouldSaveTheSwitch_andRefuseBadBodies() throws Exception {
        var saved = call(ApiEvents.request("PUT", "/users/me/preferences").claims(ApiEvents.claims(ann, null))
                .body("{\"publicLeaderboards\": false, \"displayName\": \"Ann B.\"}").build());
        assertEquals(200, saved.getStatusCode(), saved.getBody());
        assertFalse(json(saved).get("publicLeaderboards").asBoolean());
        assertEquals("Ann B.", json(saved).get("displayName").asText());
        for (String bad : new String[] {"{\"publicLeaderboards\": \"false\"}", "{}", "{\"publicLeaderboards\": true, \"displayName\": \"<script>\"}",
                "{\"publicLeaderboards\": true, \"email\": \"a@b.c\"}"}) {
            var refused = call(ApiEvents.request("PUT", "/users/me/preferences").claims(ApiEvents.claims(ann, null)).body(bad).build());
            assertEquals(400, refused.getStatusCode(), bad + " -> " + refused.getBody());
        }
        assertEquals(401, call(ApiEvents.request("PUT", "/users/me/preferences").body("{\"publicLeaderboards\": true}").build())
                .getStatusCode());
    }

    @Test
    void badges_shouldListEarnedAndLockedWithProgress() throws Exception {
        credit(ann, "b1", 10);
        var response = call(get("/users/me/badges", ann, null));
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        java.util.List<String> earned = new java.util.ArrayList<>();
        body.get("earned").forEach(b -> earned.add(b.get("code").asText()));
        assertTrue(earned.contains("first_receipt"), earned.toString());
        JsonNode stores = null;
        for (JsonNode locked : body.get("locked")) {
            if (locked.get("code").asText().equals("five_stores")) {
                stores = locked;
            }
        }
        assertEquals(1, stores.get("progress").asInt());
        assertEquals(5, stores.get("target").asInt());
        assertEquals(1, body.get("streak").get("best").asInt());
    }

    private static void assertField(APIGatewayV2HTTPResponse response, int status, String field) throws Exception {
        assertEquals(status, response.getStatusCode(), response.getBody());
        assertEquals(field, json(response).get("error").get("field").asText(), response.getBody());
    }

    @Test
    void authorizationMatrix_shouldHold_forEveryRouteAndRole() {
        // GIVEN the game's routes: the public board, and each person's own standing, badges and preferences
        RoleMatrix matrix = new RoleMatrix(handler, "zara", "hm");
        // WHEN every route is called as every role THEN:                         anon user staffA mgrA staffB mgrB admin
        matrix.row("GET /leaderboards/{period}", c -> call(ApiEvents.request("GET", "/leaderboards/all").claims(c).build()),
                        200, 200, 200, 200, 200, 200, 200)
                .row("GET /leaderboards/{period}/me", c -> call(ApiEvents.request("GET", "/leaderboards/all/me").claims(c).build()),
                        401, 200, 200, 200, 200, 200, 200)
                .row("GET /users/me/badges", c -> call(ApiEvents.request("GET", "/users/me/badges").claims(c).build()),
                        401, 200, 200, 200, 200, 200, 200)
                .row("PUT /users/me/preferences", c -> call(ApiEvents.request("PUT", "/users/me/preferences")
                        .body("{\"publicLeaderboards\": true}").claims(c).build()), 401, 200, 200, 200, 200, 200, 200)
                .assertAll();
    }
}
