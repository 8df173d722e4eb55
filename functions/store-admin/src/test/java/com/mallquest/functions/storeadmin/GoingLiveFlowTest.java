package com.mallquest.functions.storeadmin;

import com.mallquest.core.testing.TestStack;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.functions.submitreceipt.SubmitReceiptHandler;
import com.mallquest.local.services.DevReceiptSigner;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19's "done when", through the real handlers on fresh tables: a stack whose Stores table is empty goes to a
 * first credited receipt through the API alone, and the audit trail shows each staff step with its actor.
 */
class GoingLiveFlowTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Map<String, String> ADMIN = Map.of("sub", "op-1", "cognito:groups", "[admin]");
    private static final Map<String, String> MANAGER = Map.of("sub", "pages-manager", "cognito:groups", "[store-manager]", "custom:storeId", "pages");
    private static final Map<String, String> CASHIER = Map.of("sub", "pages-till", "cognito:groups", "[store-staff]", "custom:storeId", "pages");
    private static final Map<String, String> SHOPPER = Map.of("sub", "alice", "cognito:groups", "[]");

    /** A clock a millisecond later at each look, so the trail's entries have an order of their own. */
    private static final class Ticking extends Clock {
        private final java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return NOW.plusMillis(ticks.incrementAndGet());
        }
    }

    @Test
    void aFreshStack_shouldCreditItsFirstReceipt_throughTheApiAlone() throws Exception {
        // GIVEN a stack whose Stores table is empty
        Platform core = TestStack.withClock(TestStack.empty("going-live", Instant.now(), Map.of()).core(), new Ticking());
        StoreAdminHandler admin = new StoreAdminHandler(new Services(core, (u, t, d) -> { }));
        SubmitReceiptHandler receipts = new SubmitReceiptHandler(new Services(core, (u, t, d) -> { }));
        assertEquals(0, json(ApiContract.handle(receipts, ApiEvents.request("GET", "/stores").build())).get("stores").size());

        // WHEN an operator creates a store
        String pages = "{\"name\":\"Pages\",\"category\":\"books\",\"floor\":\"L2\",\"multiplier\":2.0,\"active\":true}";
        var created = ApiContract.handle(admin, ApiEvents.request("PUT", "/admin/stores/pages").body(pages).claims(ADMIN).build());
        assertEquals(201, created.getStatusCode(), created.getBody());
        // AND its manager registers a key, which its cashier may not
        KeyPair till = DevReceiptSigner.generate();
        String jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + DevReceiptSigner.x(till.getPublic()) + "\"}";
        var byCashier = ApiContract.handle(admin, ApiEvents.request("PUT", "/admin/stores/pages/keys/pages-till-1").body(jwk).claims(CASHIER).build());
        assertEquals(403, byCashier.getStatusCode(), byCashier.getBody());
        var byManager = ApiContract.handle(admin, ApiEvents.request("PUT", "/admin/stores/pages/keys/pages-till-1").body(jwk).claims(MANAGER).build());
        assertEquals(201, byManager.getStatusCode(), byManager.getBody());
        // AND a shopper submits a code the till signed with that key, twice
        String code = DevReceiptSigner.signPayload("pages-till-1", till.getPrivate(),
                DevReceiptSigner.payload("pages", "P-1", new BigDecimal("12.50"), NOW.minusSeconds(600), NOW.minusSeconds(590)));
        var first = ApiContract.handle(receipts, ApiEvents.request("POST", "/receipts").body("{\"code\":\"" + code + "\"}").claims(SHOPPER).build());
        var again = ApiContract.handle(receipts, ApiEvents.request("POST", "/receipts").body("{\"code\":\"" + code + "\"}").claims(SHOPPER).build());

        // THEN it is credited once: 12.50 x 2.0 = 25 coins
        assertEquals(201, first.getStatusCode(), first.getBody());
        assertEquals(25, json(first).get("coinsEarned").asLong());
        assertEquals(200, again.getStatusCode(), again.getBody());
        assertTrue(json(again).get("replayed").asBoolean());
        assertEquals(25, json(again).at("/user/coins").asLong());
        // AND a stale update of the store is refused
        String etag = created.getHeaders().get("ETag");
        var renamed = ApiContract.handle(admin, ApiEvents.request("PUT", "/admin/stores/pages").body(pages.replace("Pages", "Pages & Co"))
                .header("If-Match", etag).claims(ADMIN).build());
        assertEquals(200, renamed.getStatusCode(), renamed.getBody());
        var stale = ApiContract.handle(admin, ApiEvents.request("PUT", "/admin/stores/pages").body(pages.replace("Pages", "Old Pages"))
                .header("If-Match", etag).claims(ADMIN).build());
        assertEquals(412, stale.getStatusCode(), stale.getBody());
        // AND the audit trail shows each applied staff step with its actor, newest first, and nothing refused
        JsonNode trail = json(ApiContract.handle(admin, ApiEvents.request("GET", "/admin/audit").query(Map.of("storeId", "pages"))
                .claims(ADMIN).build())).get("entries");
        List<String> steps = new ArrayList<>();
        trail.forEach(e -> steps.add(e.get("action").asText() + " by " + e.get("actorId").asText() + " (" + e.get("actorRole").asText() + ")"));
        assertEquals(List.of("store.changed by op-1 (admin)", "key.registered by pages-manager (store-manager)",
                "store.created by op-1 (admin)"), steps);
        assertEquals("Pages", trail.get(0).at("/before/name").asText());
        assertEquals("Pages & Co", trail.get(0).at("/after/name").asText());
        // AND the manager sees the same trail of their store; the cashier sees none
        assertEquals(3, json(ApiContract.handle(admin, ApiEvents.request("GET", "/admin/audit").claims(MANAGER).build())).get("entries").size());
        assertEquals(403, ApiContract.handle(admin, ApiEvents.request("GET", "/admin/audit").claims(CASHIER).build()).getStatusCode());
    }
}
