package com.mallquest.functions.storeadmin;

import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.platform.metrics.Metrics;
import com.mallquest.core.domain.receipts.ReceiptRequest;
import com.mallquest.core.domain.receipts.ReceiptService;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.core.testing.StoreSeed;
import com.mallquest.local.services.DevReceiptSigner;
import com.mallquest.local.testsupport.TestBackends;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP contract of the store-key and review-queue routes through the real handler, on moto_server. */
class StoreAdminHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Map<String, String> ZARA_STAFF = Map.of("sub", "zara-manager", "cognito:groups", "[store-staff]", "custom:storeId", "zara");
    private static final Map<String, String> WATERSTONES_STAFF = Map.of("sub", "ws-manager", "cognito:groups", "[store-staff]", "custom:storeId", "waterstones");

    private Platform core;
    private StoreAdminHandler handler;

    @BeforeEach
    void setUp() {
        core = new Platform(Settings.fromEnvironment(TestBackends.environment()), TestBackends.dynamoDb(), new MemoryCache(),
                new Metrics("Test", "store-admin"), Clock.fixed(NOW, ZoneOffset.UTC));
        StoreSeed.loadWithKeys(core);
        handler = new StoreAdminHandler(new Services(core, (u, t, d) -> { }));
    }

    private APIGatewayV2HTTPResponse call(String method, String path, String body, Map<String, String> claims) {
        return ApiContract.handle(handler, ApiEvents.request(method, path).body(body).claims(claims).build());
    }

    private static String jwk(String x) {
        return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\"}";
    }

    @Test
    void keys_shouldBeRegisteredListedAndRevoked_byTheStoresStaff() throws Exception {
        String x = DevReceiptSigner.x(DevReceiptSigner.generate().getPublic());
        // WHEN zara's staff puts a key: 201, then the same key again: 200, another key under that kid: 409
        var created = call("PUT", "/admin/stores/zara/keys/zara-till-7", jwk(x), ZARA_STAFF);
        assertEquals(201, created.getStatusCode(), created.getBody());
        assertEquals(x, json(created).get("jwk").get("x").asText());
        assertEquals("active", json(created).get("status").asText());
        assertEquals(200, call("PUT", "/admin/stores/zara/keys/zara-till-7", jwk(x), ZARA_STAFF).getStatusCode());
        var conflict = call("PUT", "/admin/stores/zara/keys/zara-till-7", jwk(DevReceiptSigner.x(DevReceiptSigner.generate().getPublic())), ZARA_STAFF);
        assertEquals(409, conflict.getStatusCode(), conflict.getBody());
        assertEquals("key_id_taken", json(conflict).get("error").get("code").asText());
        // AND the list shows it beside the seed's development key
        JsonNode keys = json(call("GET", "/admin/stores/zara/keys", null, ZARA_STAFF)).get("keys");
        assertEquals(2, keys.size());
        // WHEN revoked THEN listed as revoked
        var revoked = call("DELETE", "/admin/stores/zara/keys/zara-till-7", null, ZARA_STAFF);
        assertEquals(200, revoked.getStatusCode(), revoked.getBody());
        assertEquals("revoked", json(revoked).get("status").asText());
        // AND a private key, another store's staff and a shopper are refused
        var privateKey = call("PUT", "/admin/stores/zara/keys/zara-till-8",
                "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\",\"d\":\"c2VjcmV0\"}", ZARA_STAFF);
        assertEquals(400, privateKey.getStatusCode(), privateKey.getBody());
        assertEquals("private_key_refused", json(privateKey).get("error").get("code").asText());
        assertEquals(403, call("GET", "/admin/stores/zara/keys", null, WATERSTONES_STAFF).getStatusCode());
        assertEquals(403, call("GET", "/admin/stores/zara/keys", null, ApiEvents.SHOPPER).getStatusCode());
        assertEquals(401, call("GET", "/admin/stores/zara/keys", null, null).getStatusCode());
        assertEquals(404, call("GET", "/admin/stores/nowhere/keys", null, ApiEvents.ADMIN).getStatusCode());
    }

    @Test
    void reviewQueue_shouldListApproveAndReject_overHttp() throws Exception {
        // GIVEN two unsigned waterstones receipts (×2.0) waiting for review
        ReceiptService receipts = new Services(core, (u, t, d) -> { }).receipts();
        receipts.submit("alice", ReceiptRequest.unsigned(new ReceiptSubmission("W-1", "waterstones", new BigDecimal("20.00"), NOW.minusSeconds(3600))));
        receipts.submit("bob", ReceiptRequest.unsigned(new ReceiptSubmission("W-2", "waterstones", new BigDecimal("5.00"), NOW.minusSeconds(3600))));
        // WHEN the store's staff lists the queue
        var list = ApiContract.handle(handler, ApiEvents.request("GET", "/admin/receipts").query(Map.of("status", "pending_review", "limit", "1"))
                .claims(WATERSTONES_STAFF).build());
        assertEquals(200, list.getStatusCode(), list.getBody());
        assertEquals("W-1", json(list).get("receipts").get(0).get("receiptId").asText());
        assertFalse(json(list).get("nextCursor").isNull());
        // AND approves one (201, then 200 replayed) and rejects the other
        var approved = call("POST", "/admin/receipts/waterstones/W-1/approve", null, WATERSTONES_STAFF);
        assertEquals(201, approved.getStatusCode(), approved.getBody());
        assertEquals(40, json(approved).get("coinsEarned").asLong());
        var replay = call("POST", "/admin/receipts/waterstones/W-1/approve", null, ApiEvents.ADMIN);
        assertEquals(200, replay.getStatusCode(), replay.getBody());
        assertTrue(json(replay).get("replayed").asBoolean());
        var rejected = call("POST", "/admin/receipts/waterstones/W-2/reject", "{\"reason\":\"Not our receipt\"}", WATERSTONES_STAFF);
        assertEquals(200, rejected.getStatusCode(), rejected.getBody());
        assertEquals("rejected", json(rejected).get("status").asText());
        var late = call("POST", "/admin/receipts/waterstones/W-2/approve", null, ApiEvents.ADMIN);
        assertEquals(409, late.getStatusCode(), late.getBody());
        // THEN alice has her coins and bob none; a reject without a reason is 400; zara's staff may not review waterstones
        assertEquals(40, new Services(core).ledger().account("alice").coins());
        assertEquals(0, new Services(core).ledger().account("bob").coins());
        assertEquals(400, call("POST", "/admin/receipts/waterstones/W-2/reject", "{}", ApiEvents.ADMIN).getStatusCode());
        assertEquals(403, call("POST", "/admin/receipts/waterstones/W-1/approve", null, ZARA_STAFF).getStatusCode());
        assertEquals(403, call("GET", "/admin/receipts", null, ApiEvents.SHOPPER).getStatusCode());
        assertEquals(404, call("POST", "/admin/receipts/waterstones/W-9/approve", null, ApiEvents.ADMIN).getStatusCode());
    }

    @Test
    void sampleEvent_shouldListZarasKeys() throws Exception {
        APIGatewayV2HTTPEvent sample = SampleEvents.httpApi("StoreAdminFunction");
        var response = ApiContract.handle(handler, sample);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("zara-dev-1", json(response).get("keys").get(0).get("kid").asText());
    }
}
