package com.mallquest.functions.getuser;

import com.mallquest.core.testing.RoleMatrix;
import java.time.Instant;
import java.time.Clock;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP contract of the user routes through the real handler, on moto_server and Redis. */
class GetUserHandlerTest {

    private final Platform core = TestStack.withClock(
            TestStack.empty("get-user", Instant.now(), TestStack.sharedRedis()).core(), Clock.systemUTC());
    private final GetUserHandler handler = new GetUserHandler(new Services(core));
    private final String alice = "alice-" + UUID.randomUUID();

    private static APIGatewayV2HTTPEvent get(String path, String sub, String groups, Map<String, String> query) {
        return ApiEvents.request("GET", path).claims(ApiEvents.claims(sub, groups)).query(query).build();
    }

    @Test
    void me_shouldShowTheBalance_andSayWhetherItCameFromTheCache() throws Exception {
        // GIVEN alice credited 120 coins
        new Services(core).ledger().credit(new Credit(alice, "receipt:s1:r1", 120, 60, CreditKind.RECEIPT, Map.of("storeId", "s1")));
        // WHEN she reads /users/me twice
        var first = ApiContract.handle(handler, get("/users/me", alice, null, null));
        var second = ApiContract.handle(handler, get("/users/" + alice, alice, null, null));
        // THEN both show the balance; the first is a miss, the second a hit (header and field)
        assertEquals(200, first.getStatusCode(), first.getBody());
        JsonNode body = json(first);
        assertEquals(alice, body.get("userId").asText());
        assertEquals(120, body.get("coins").asLong());
        assertEquals(60, body.get("xp").asLong());
        assertTrue(body.get("progress").has("xpToNextLevel"));
        assertEquals(1, body.get("counts").get("receiptsCredited").asLong());
        assertEquals("receipt", body.get("recentActivity").get(0).get("kind").asText());
        assertEquals("MISS", first.getHeaders().get("X-Cache"));
        assertFalse(body.get("cache").get("hit").asBoolean());
        assertEquals("HIT", second.getHeaders().get("X-Cache"));
        assertEquals("REDIS", json(second).get("cache").get("mode").asText());
    }

    @Test
    void users_shouldAnswer401_403_404_byCaller() throws Exception {
        String bob = "bob-" + UUID.randomUUID();
        assertEquals(401, ApiContract.handle(handler, get("/users/" + bob, null, null, null)).getStatusCode());
        var forbidden = ApiContract.handle(handler, get("/users/" + bob, alice, null, null));
        assertEquals(403, forbidden.getStatusCode());
        assertEquals("forbidden", json(forbidden).get("error").get("code").asText());
        assertEquals(404, ApiContract.handle(handler, get("/users/" + bob, "root", "[admin]", null)).getStatusCode());
        assertEquals(403, ApiContract.handle(handler, get("/users/" + bob + "/activity", alice, null, null)).getStatusCode());
    }

    @Test
    void activity_shouldPage_andRejectABadLimitOrCursor() throws Exception {
        for (int i = 0; i < 3; i++) {
            new Services(core).ledger().credit(new Credit(alice, "receipt:s1:p" + i, 10, 1, CreditKind.RECEIPT, Map.of()));
        }
        var page = ApiContract.handle(handler, get("/users/me/activity", alice, null, Map.of("limit", "2")));
        assertEquals(200, page.getStatusCode(), page.getBody());
        JsonNode body = json(page);
        assertEquals(2, body.get("entries").size());
        var rest = ApiContract.handle(handler, get("/users/" + alice + "/activity", alice, null,
                Map.of("limit", "2", "cursor", body.get("nextCursor").asText())));
        assertEquals(1, json(rest).get("entries").size());
        var badLimit = ApiContract.handle(handler, get("/users/me/activity", alice, null, Map.of("limit", "0")));
        assertEquals(400, badLimit.getStatusCode());
        assertEquals("limit", json(badLimit).get("error").get("field").asText());
        var badCursor = ApiContract.handle(handler, get("/users/me/activity", alice, null, Map.of("cursor", "!!")));
        assertEquals(400, badCursor.getStatusCode());
        assertEquals("cursor", json(badCursor).get("error").get("field").asText());
    }

    @Test
    void activity_shouldAnswer400NamingCursor_forCraftedCursors_neverADynamoDbError() throws Exception {
        new Services(core).ledger().credit(new Credit(alice, "receipt:s1:c0", 10, 1, CreditKind.RECEIPT, Map.of()));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        // GIVEN cursors that start like an activity key but are none: a key over DynamoDB's 1024-byte sort-key
        // limit in few characters, a bare prefix, bytes that are no UTF-8, control characters, a huge cursor
        String[] skFakes = {"ACT#" + "\u20ac".repeat(395), "ACT#", "ACT#2026-11-25T10:00:00.000Z#", "ACT#\u0000",
                "ACT#2026-11-25T10:00:00.000Z#receipt:s1:c0\n", "ACT#2026-11-25 10:00:00Z#x"};
        java.util.List<String> cursors = new java.util.ArrayList<>();
        for (String sk : skFakes) {
            cursors.add(b64.encodeToString(sk.getBytes(StandardCharsets.UTF_8)));
        }
        cursors.add(b64.encodeToString(new byte[] {'A', 'C', 'T', '#', (byte) 0xC3, (byte) 0x28}));
        cursors.add("A".repeat(20_000));
        for (String cursor : cursors) {
            // WHEN the activity is read from it
            var response = ApiContract.handle(handler, get("/users/me/activity", alice, null, Map.of("cursor", cursor)));
            // THEN a 400 naming the cursor
            String shown = cursor.length() > 40 ? cursor.substring(0, 40) + "..." : cursor;
            assertEquals(400, response.getStatusCode(), shown + " " + response.getBody());
            assertEquals("cursor", json(response).get("error").get("field").asText(), shown);
        }
    }

    @Test
    void users_shouldAnswer400NamingUserId_whenAnAdminAsksForAnIdNoUserCanHave() throws Exception {
        // GIVEN ids no user can have: longer than a DynamoDB key allows (was a 500), control characters, a slash
        for (String id : new String[] {"a".repeat(10_000), "x%01y", "a%2Fb", "%E2%82%AC"}) {
            for (String path : new String[] {"/users/" + id, "/users/" + id + "/activity"}) {
                // WHEN an admin reads it
                var response = ApiContract.handle(handler, get(path, "root", "[admin]", null));
                // THEN a 400 naming userId, not a DynamoDB error
                assertEquals(400, response.getStatusCode(), path.length() > 60 ? path.substring(0, 60) : path);
                assertEquals("userId", json(response).get("error").get("field").asText());
            }
        }
    }

    @Test
    void activity_shouldNameKindsAsTheUserViewDoes() throws Exception {
        // GIVEN a receipt credit and an adjustment
        new Services(core).ledger().credit(new Credit(alice, "receipt:s1:k1", 10, 1, CreditKind.RECEIPT, Map.of()));
        new Services(core).ledger().credit(new Credit(alice, "adj:k2", 5, 0, CreditKind.ADJUSTMENT, Map.of()));
        // WHEN the activity page and the view are read
        JsonNode page = json(ApiContract.handle(handler, get("/users/me/activity", alice, null, null)));
        JsonNode view = json(ApiContract.handle(handler, get("/users/me", alice, null, null)));
        // THEN both use the lower-case wire names (the page used to say RECEIPT / ADJUSTMENT)
        java.util.Set<String> pageKinds = new java.util.HashSet<>();
        java.util.Set<String> viewKinds = new java.util.HashSet<>();
        page.get("entries").forEach(e -> pageKinds.add(e.get("kind").asText()));
        view.get("recentActivity").forEach(e -> viewKinds.add(e.get("kind").asText()));
        assertEquals(java.util.Set.of("receipt", "adjustment"), pageKinds);
        assertEquals(pageKinds, viewKinds);
    }

    @Test
    void authorizationMatrix_shouldHold_forEveryRouteAndRole() {
        // GIVEN every role's user with a balance; the shopper's account is the one others look up
        for (String userId : RoleMatrix.userIds()) {
            new Services(core).ledger().credit(new Credit(userId, "adj:matrix-" + userId, 10, 0, CreditKind.ADJUSTMENT,
                    Map.of("reason", "matrix")));
        }
        RoleMatrix matrix = new RoleMatrix(handler, "zara", "hm");
        // WHEN every route is called as every role THEN one's own account, or any as an admin:
        //                                                                        anon user staffA mgrA staffB mgrB admin
        matrix.row("GET /users/me", c -> ApiContract.handle(handler, ApiEvents.request("GET", "/users/me").claims(c).build()),
                        401, 200, 200, 200, 200, 200, 200)
                .row("GET /users/{userId}", c -> ApiContract.handle(handler, ApiEvents.request("GET", "/users/shopper-1").claims(c).build()),
                        401, 200, 403, 403, 403, 403, 200)
                .row("GET /users/{userId}/activity", c -> ApiContract.handle(handler,
                        ApiEvents.request("GET", "/users/shopper-1/activity").claims(c).build()), 401, 200, 403, 403, 403, 403, 200)
                .assertAll();
    }
}
