package com.mallquest.functions.submitreceipt;

import com.mallquest.core.testing.RoleMatrix;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.operations.fleet.FleetReader;
import com.mallquest.core.operations.fleet.FleetRecorder;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.EmfOutput;
import com.mallquest.core.testing.ReceiptCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP contract of POST /receipts and GET /stores through the real handler, on moto_server. */
class SubmitReceiptHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:10Z");

    private final List<String> effects = new ArrayList<>();
    private Platform core;
    private SubmitReceiptHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        core = TestStack.seeded("submit-receipt", NOW, Map.of("RECEIPT_RATE_LIMIT", "5/60s")).core();
        handler = new SubmitReceiptHandler(new Services(core, (userId, type, data) -> effects.add(userId + ":" + type)));
    }

    private static APIGatewayV2HTTPEvent event(String method, String path, String body, String sub) {
        return ApiEvents.request(method, path).body(body).caller(sub).build();
    }

    private APIGatewayV2HTTPResponse post(String body, String sub) {
        return ApiContract.handle(handler, event("POST", "/receipts", body, sub));
    }

    /** An unsigned body (today's fields): accepted for review at a {@code review} store only. */
    private static String receipt(String receiptId, String storeId, String amount, String purchasedAt) {
        return "{\"receiptId\":\"" + receiptId + "\",\"storeId\":\"" + storeId + "\",\"amount\":" + amount
                + ",\"purchasedAt\":\"" + purchasedAt + "\"}";
    }

    /** The body a phone sends after scanning the till's QR code: {"code": <signed with the store's development key>}. */
    private static String signed(String receiptId, String storeId, String amount, String purchasedAt) {
        return ReceiptCodes.body(storeId, receiptId, amount, purchasedAt);
    }

    private static void assertError(APIGatewayV2HTTPResponse response, int status, String code, String field) throws Exception {
        assertEquals(status, response.getStatusCode(), response.getBody());
        JsonNode error = json(response).get("error");
        assertEquals(code, error.get("code").asText(), response.getBody());
        if (field != null) {
            assertEquals(field, error.get("field").asText(), response.getBody());
        }
    }

    @Test
    void post_shouldAnswer201WithTheCredit_then200Replayed_then409ForAnotherUser() throws Exception {
        // WHEN a user submits a Sephora receipt (multiplier 2.0)
        var created = post(signed("SEP-1", "sephora", "125.50", "2026-11-25T10:00:00Z"), "alice");
        // THEN 201 with the contract's fields
        assertEquals(201, created.getStatusCode(), created.getBody());
        JsonNode body = json(created);
        assertEquals("SEP-1", body.get("receiptId").asText());
        assertEquals("sephora", body.get("storeId").asText());
        assertEquals(0, body.get("amount").decimalValue().compareTo(new java.math.BigDecimal("125.50")));
        assertEquals(251, body.get("coinsEarned").asLong());
        assertEquals(125, body.get("xpEarned").asLong());
        assertTrue(body.get("leveledUp").asBoolean());
        assertFalse(body.get("replayed").asBoolean());
        assertEquals("alice", body.get("user").get("userId").asText());
        assertEquals(251, body.get("user").get("coins").asLong());
        assertEquals(125, body.get("user").get("xp").asLong());
        assertEquals(2, body.get("user").get("level").asInt());
        assertEquals(List.of("alice:badge_unlocked", "alice:coin_earned", "alice:level_up"), effects, "first receipt: its badge too");
        // AND the same submission again is 200 with the original result, replayed
        var replay = post(signed("SEP-1", "sephora", "125.50", "2026-11-25T10:00:00Z"), "alice");
        assertEquals(200, replay.getStatusCode(), replay.getBody());
        assertTrue(json(replay).get("replayed").asBoolean());
        assertEquals(251, json(replay).get("user").get("coins").asLong());
        // AND another user gets 409
        assertError(post(signed("SEP-1", "sephora", "125.50", "2026-11-25T10:00:00Z"), "bob"), 409, "receipt_already_claimed", null);
        assertEquals(251, new Services(core).ledger().account("alice").coins());
        assertEquals(0, new Services(core).ledger().account("bob").coins());
    }

    @Test
    void post_shouldAnswer400NamingTheField_whenTheBodyIsMalformed() throws Exception {
        String at = "2026-11-25T10:00:00Z";
        assertError(post(receipt("R1", "zara", "-5", at), "alice"), 400, "invalid_field", "amount");
        assertError(post(receipt("R1", "zara", "10.001", at), "alice"), 400, "invalid_field", "amount");
        assertError(post(receipt("R1", "zara", "\"ten\"", at), "alice"), 400, "invalid_field", "amount");
        assertError(post(receipt("", "zara", "10", at), "alice"), 400, "invalid_field", "receiptId");
        assertError(post(receipt("R 1", "zara", "10", at), "alice"), 400, "invalid_field", "receiptId");
        assertError(post(receipt("R1", "Zara!", "10", at), "alice"), 400, "invalid_field", "storeId");
        assertError(post(receipt("R1", "zara", "10", "yesterday"), "alice"), 400, "invalid_field", "purchasedAt");
        assertError(post("{\"receiptId\":\"R1\",\"storeId\":\"zara\",\"amount\":10}", "alice"), 400, "invalid_field", "purchasedAt");
        assertError(post("{\"receiptId\":\"R1\",\"storeId\":\"zara\",\"amount\":10,\"purchasedAt\":\"" + at + "\",\"userId\":\"bob\"}", "alice"),
                400, "invalid_field", "userId");
        assertError(post("{not json", "alice"), 400, "malformed_json", null);
        assertError(post(null, "alice"), 400, "missing_body", null);
        assertEquals(0, new Services(core).ledger().account("alice").version());
    }

    @Test
    void post_shouldAnswer401_whenThereIsNoCaller() throws Exception {
        assertError(post(receipt("R1", "zara", "10", "2026-11-25T10:00:00Z"), null), 401, "unauthorized", null);
    }

    @Test
    void post_shouldAnswer422WithTheRuleCode_whenVerificationFails() throws Exception {
        assertError(post(receipt("R1", "nowhere", "10", "2026-11-25T10:00:00Z"), "alice"), 422, "unknown_store", "storeId");
        assertError(post(signed("R2", "gamestop", "10", "2026-11-25T10:00:00Z"), "alice"), 422, "store_inactive", "storeId");
        assertError(post(signed("R3", "zara", "10", "2026-11-25T13:00:00Z"), "alice"), 422, "purchase_in_future", "purchasedAt");
        assertError(post(signed("R4", "zara", "10", "2026-10-01T10:00:00Z"), "alice"), 422, "receipt_too_old", "purchasedAt");
        assertError(post(signed("R5", "zara", "9000", "2026-11-25T10:00:00Z"), "alice"), 422, "amount_above_mall_limit", "amount");
        // (a second user: failed submissions count against the rate limit too, and alice has used 5)
        assertError(post(signed("R6", "lush", "300.50", "2026-11-25T10:00:00Z"), "bob"), 422, "amount_above_store_limit", "amount");
        assertError(post(receipt("R7", "zara", "10", "2026-11-25T10:00:00Z"), "bob"), 422, "signature_required", "code");
        String[] parts = ReceiptCodes.code("zara", "R8", "10", java.time.Instant.parse("2026-11-25T10:00:00Z")).split("\\.");
        String unknownKid = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"EdDSA\",\"kid\":\"nobody-1\"}".getBytes());
        assertError(post("{\"code\":\"" + unknownKid + "." + parts[1] + "." + parts[2] + "\"}", "bob"), 422, "receipt_key_unknown", "code");
        assertError(post("{\"code\":\"" + parts[0] + "." + parts[1] + "\"}", "carol"), 400, "receipt_code_malformed", "code");
    }

    @Test
    void post_shouldAnswer429WithRetryAfter_whenOverTheRateLimit() throws Exception {
        // GIVEN 5 receipts in this minute (the limit)
        for (int i = 0; i < 5; i++) {
            assertEquals(201, post(signed("Z" + i, "zara", "10", "2026-11-25T10:00:00Z"), "alice").getStatusCode());
        }
        // WHEN a sixth comes THEN 429 with Retry-After (the window ends in 50 s)
        var limited = post(signed("Z9", "zara", "10", "2026-11-25T10:00:00Z"), "alice");
        assertError(limited, 429, "rate_limited", null);
        assertEquals("50", limited.getHeaders().get("Retry-After"));
    }

    @Test
    void post_shouldAnswer400AndCountTheRefusal_whenTheSignaturePartHasAnImpossibleBase64Length() throws Exception {
        // GIVEN a code whose signature part is 5 characters (4n+1: no byte string encodes to that)
        String[] parts = ReceiptCodes.code("zara", "R1", "10", java.time.Instant.parse("2026-11-25T10:00:00Z")).split("\\.");
        String impossible = "{\"code\":\"" + parts[0] + "." + parts[1] + ".abcde\"}";
        // WHEN mallory sends it five times (the limit is 5 a minute)
        for (int i = 0; i < 5; i++) {
            // THEN each is 400 receipt_code_malformed, not 500
            assertError(post(impossible, "mallory"), 400, "receipt_code_malformed", "code");
        }
        // AND each counted against her rate limit: a sixth submission, even a valid one, is 429
        assertError(post(signed("R2", "zara", "10", "2026-11-25T10:00:00Z"), "mallory"), 429, "rate_limited", null);
        assertEquals(0, new Services(core).ledger().account("mallory").coins());
    }

    @Test
    void post_shouldAnswer202PendingReview_forAnUnsignedReceiptAtAReviewStore() throws Exception {
        // WHEN an unsigned receipt of waterstones (policy review) comes, twice
        var accepted = post(receipt("W-1", "waterstones", "20.00", "2026-11-25T10:00:00Z"), "alice");
        var again = post(receipt("W-1", "waterstones", "20.00", "2026-11-25T10:00:00Z"), "alice");
        // THEN 202 pending_review with no coins, the second replayed
        assertEquals(202, accepted.getStatusCode(), accepted.getBody());
        assertEquals("pending_review", json(accepted).get("status").asText());
        assertFalse(json(accepted).get("replayed").asBoolean());
        assertEquals(202, again.getStatusCode(), again.getBody());
        assertTrue(json(again).get("replayed").asBoolean());
        assertEquals(0, new Services(core).ledger().account("alice").coins());
    }

    @Test
    void post_shouldAnswer400_whenACodeComesWithOtherFieldsOrIsNoString() throws Exception {
        String code = ReceiptCodes.code("zara", "R1", "10", java.time.Instant.parse("2026-11-25T10:00:00Z"));
        assertError(post("{\"code\":\"" + code + "\",\"storeId\":\"hm\"}", "alice"), 400, "invalid_field", "storeId");
        assertError(post("{\"code\":5}", "alice"), 400, "invalid_field", "code");
        assertError(post("{}", "alice"), 400, "invalid_field", "code");
        assertEquals(0, new Services(core).ledger().account("alice").version());
    }

    @Test
    void getStores_shouldListActiveStoresPublicly() throws Exception {
        // WHEN anyone (no token) asks for the stores
        var response = ApiContract.handle(handler, event("GET", "/stores", null, null));
        // THEN 200 with the active ones only
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode stores = json(response).get("stores");
        assertEquals(19, stores.size());
        List<String> ids = new ArrayList<>();
        stores.forEach(s -> ids.add(s.get("storeId").asText()));
        assertTrue(ids.contains("zara"));
        assertFalse(ids.contains("gamestop"));
        assertFalse(ids.contains("the-body-shop"));
        assertEquals("Apple Store", stores.get(0).get("name").asText());
        assertEquals("public, max-age=60", response.getHeaders().get("Cache-Control"));
    }

    @Test
    void post_shouldEmitReceiptMetrics_perInvocation() throws Exception {
        // GIVEN stdout captured (EMF's local sink)
        EmfOutput captured = EmfOutput.capture(() -> {
            // WHEN a receipt is credited, replayed, and one is rejected
            post(signed("M1", "starbucks", "10", "2026-11-25T10:00:00Z"), "alice");
            post(signed("M1", "starbucks", "10", "2026-11-25T10:00:00Z"), "alice");
            post(receipt("M2", "nowhere", "10", "2026-11-25T10:00:00Z"), "alice");
        });
        // THEN three EMF records carry the receipt figures (the first receipt's badge counted in its own request's)
        List<JsonNode> records = captured.records();
        assertEquals(3, records.size(), captured.output());
        assertEquals(1, records.get(0).get("BadgesAwarded.first_receipt").asInt());
        assertFalse(records.get(1).has("BadgesAwarded.first_receipt"), "a replay awards nothing");
        assertEquals(1, records.get(0).get("ReceiptsCredited").asInt());
        assertEquals(30, records.get(0).get("CoinsAwarded").asInt());
        assertEquals(1, records.get(1).get("ReceiptsReplayed").asInt());
        assertEquals(0, records.get(1).get("CoinsAwarded").asInt());
        assertEquals(1, records.get(2).get("ReceiptsRejected").asInt());
        assertEquals(1, records.get(2).get("ReceiptsRejected.unknown_store").asInt());
        assertEquals("unknown_store", records.get(2).get("rejectReason").asText());
    }

    @Test
    void post_shouldAddCreditsToTheFleetBusinessCounters_butNotReplays() throws Exception {
        // GIVEN a receipt credited (30 coins at starbucks for 10.00), then replayed
        post(signed("F1", "starbucks", "10", "2026-11-25T10:00:00Z"), "fay");
        post(signed("F1", "starbucks", "10", "2026-11-25T10:00:00Z"), "fay");

        // WHEN the fleet figures are read (what GET /metrics reports)
        Map<String, Long> minute = new FleetReader(core.cache(), core.clock()).snapshot().business().get("1m");

        // THEN one receipt and its coins are counted once
        assertEquals(1L, minute.get(FleetRecorder.RECEIPTS_CREDITED));
        assertEquals(30L, minute.get(FleetRecorder.COINS_AWARDED));
    }

    @Test
    void authorizationMatrix_shouldHold_forEveryRouteAndRole() {
        // GIVEN a signed zara receipt of its own for each call (staff shop at the mall too: a receipt is anyone's)
        RoleMatrix matrix = new RoleMatrix(handler, "zara", "hm");
        int[] n = {0};
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        // WHEN every route is called as every role THEN:  anon user staffA mgrA staffB mgrB admin
        matrix.row("POST /receipts", c -> ApiContract.handle(handler, ApiEvents.request("POST", "/receipts")
                        .body(signed("MX-" + run + "-" + n[0]++, "zara", "10.00", "2026-11-25T11:00:00Z")).claims(c).build()),
                        401, 201, 201, 201, 201, 201, 201)
                .row("GET /stores", c -> ApiContract.handle(handler, ApiEvents.request("GET", "/stores").claims(c).build()),
                        200, 200, 200, 200, 200, 200, 200)
                .assertAll();
    }
}
