package com.mallquest.functions.storeadmin;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.receipts.ReceiptRequest;
import com.mallquest.core.domain.receipts.ReceiptService;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.core.testing.RoleMatrix;
import com.mallquest.local.services.DevReceiptSigner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP contract of the store-key and review-queue routes through the real handler, on moto_server. */
class StoreAdminHandlerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Map<String, String> ZARA_STAFF = Map.of("sub", "zara-manager", "cognito:groups", "[store-manager]", "custom:storeId", "zara");
    private static final Map<String, String> WATERSTONES_STAFF = Map.of("sub", "ws-manager", "cognito:groups", "[store-manager]", "custom:storeId", "waterstones");

    private Platform core;
    private StoreAdminHandler handler;

    @BeforeEach
    void setUp() {
        core = TestStack.seeded("store-admin", NOW, Map.of()).core();
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

    private APIGatewayV2HTTPResponse putStore(String storeId, String body, String ifMatch, Map<String, String> claims) {
        var request = ApiEvents.request("PUT", "/admin/stores/" + storeId).body(body).claims(claims);
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return ApiContract.handle(handler, request.build());
    }

    private static String store(String name, boolean active) {
        return "{\"name\":\"" + name + "\",\"category\":\"books\",\"floor\":\"L2-14\",\"multiplier\":1.5,"
                + "\"maxReceiptAmount\":400,\"verification\":\"review\",\"aliases\":[\"PAGES & CO LTD\"],\"active\":" + active + "}";
    }

    @Test
    void putStore_shouldCreateThenReplaceOnlyFromTheCurrentVersion_whenAnAdminSendsIfMatch() throws Exception {
        // GIVEN a store that does not exist yet
        // WHEN an admin creates it
        var created = putStore("pages", store("Pages", true), null, ApiEvents.ADMIN);
        // THEN 201, version 1, its ETag
        assertEquals(201, created.getStatusCode(), created.getBody());
        assertEquals("\"1\"", created.getHeaders().get("ETag"));
        assertEquals("no-store", created.getHeaders().get("Cache-Control"));
        assertEquals("PAGES & CO LTD", json(created).get("aliases").get(0).asText());
        // AND receipts see it at once (the catalogue cache was dropped)
        assertTrue(new Services(core).stores().listActive().stream().anyMatch(st -> st.storeId().equals("pages")));
        // WHEN it is put again without If-Match THEN 428: nobody overwrites what they never read
        var blind = putStore("pages", store("Pages Books", true), null, ApiEvents.ADMIN);
        assertEquals(428, blind.getStatusCode(), blind.getBody());
        assertEquals("version_required", json(blind).at("/error/code").asText());
        // WHEN replaced from version 1 THEN 200, version 2
        var replaced = putStore("pages", store("Pages Books", true), "\"1\"", ApiEvents.ADMIN);
        assertEquals(200, replaced.getStatusCode(), replaced.getBody());
        assertEquals("\"2\"", replaced.getHeaders().get("ETag"));
        assertEquals("Pages Books", json(replaced).get("name").asText());
        // WHEN a second operator replaces it from the stale version 1 THEN 412, and the first change stands
        var stale = putStore("pages", store("Pages Outlet", true), "\"1\"", ApiEvents.ADMIN);
        assertEquals(412, stale.getStatusCode(), stale.getBody());
        assertEquals("version_mismatch", json(stale).at("/error/code").asText());
        assertEquals(2, json(stale).at("/error/currentVersion").asLong());
        var read = call("GET", "/admin/stores/pages", null, ApiEvents.ADMIN);
        assertEquals("Pages Books", json(read).get("name").asText());
        assertEquals("\"2\"", read.getHeaders().get("ETag"));
        // AND If-Match on a store that does not exist, or a tag that is no version: 412
        assertEquals(412, putStore("nowhere", store("X", true), "\"1\"", ApiEvents.ADMIN).getStatusCode());
        assertEquals(412, putStore("pages", store("X", true), "*", ApiEvents.ADMIN).getStatusCode());
        // AND a bad body is a 400 naming the field
        var bad = putStore("pages", "{\"name\":\"P\",\"category\":\"books\",\"multiplier\":11,\"active\":true}", "\"2\"", ApiEvents.ADMIN);
        assertEquals(400, bad.getStatusCode(), bad.getBody());
        assertEquals("multiplier", json(bad).at("/error/field").asText());
    }

    @Test
    void putStore_shouldStopNewCreditsButKeepHistory_whenAStoreIsDeactivated() throws Exception {
        // GIVEN waterstones (review policy) with one receipt waiting and one credited
        ReceiptService receipts = new Services(core, (u, t, d) -> { }).receipts();
        receipts.submit("alice", ReceiptRequest.unsigned(new ReceiptSubmission("W-1", "waterstones", new BigDecimal("20.00"), NOW.minusSeconds(3600))));
        assertEquals(201, call("POST", "/admin/receipts/waterstones/W-1/approve", null, ApiEvents.ADMIN).getStatusCode());
        String etag = call("GET", "/admin/stores/waterstones", null, ApiEvents.ADMIN).getHeaders().get("ETag");
        // WHEN an admin deactivates it
        var off = putStore("waterstones", "{\"name\":\"Waterstones\",\"category\":\"books\",\"multiplier\":2.0,\"verification\":\"review\",\"active\":false}",
                etag, ApiEvents.ADMIN);
        assertEquals(200, off.getStatusCode(), off.getBody());
        // THEN it is gone from the public list, listed for operators, its new receipts are refused, alice keeps her coins
        assertTrue(new Services(core).stores().listActive().stream().noneMatch(st -> st.storeId().equals("waterstones")));
        JsonNode all = json(call("GET", "/admin/stores", null, ApiEvents.ADMIN)).get("stores");
        boolean listedInactive = false;
        for (JsonNode st : all) {
            listedInactive |= st.get("storeId").asText().equals("waterstones") && !st.get("active").asBoolean();
        }
        assertTrue(listedInactive, all.toString());
        // (a container that read the store before the change serves its copy for at most StoreCatalogue.LOCAL_TTL;
        // the receipt below is taken by one that looks after it)
        ReceiptService later = new Services(core, (u, t, d) -> { }).receipts();
        var refused = org.junit.jupiter.api.Assertions.assertThrows(com.mallquest.core.platform.errors.DomainException.class,
                () -> later.submit("bob", ReceiptRequest.unsigned(new ReceiptSubmission("W-2", "waterstones", new BigDecimal("5.00"), NOW.minusSeconds(60)))));
        assertEquals("store_inactive", refused.code());
        assertEquals(40, new Services(core).ledger().account("alice").coins());
    }

    @Test
    void listStores_shouldPageEveryStoreById_whenAskedWithACursor() throws Exception {
        // GIVEN the seed's stores
        int total = new Services(core).stores().all().size();
        // WHEN an admin pages through them 7 at a time
        java.util.List<String> ids = new java.util.ArrayList<>();
        String cursor = null;
        do {
            var request = ApiEvents.request("GET", "/admin/stores").claims(ApiEvents.ADMIN);
            request.query(cursor == null ? Map.of("limit", "7") : Map.of("limit", "7", "cursor", cursor));
            JsonNode page = json(ApiContract.handle(handler, request.build()));
            page.get("stores").forEach(st -> ids.add(st.get("storeId").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        // THEN every store once, in order
        assertEquals(total, ids.size());
        assertEquals(ids.stream().sorted().toList(), ids);
        assertEquals(400, ApiContract.handle(handler, ApiEvents.request("GET", "/admin/stores").query(Map.of("cursor", "!!"))
                .claims(ApiEvents.ADMIN).build()).getStatusCode());
    }

    @Test
    void developmentData_shouldBeRefused_whenTheStackIsNotLocal() throws Exception {
        // GIVEN a stack that is not local (the tests' settings: no AWS_SAM_LOCAL)
        String x = DevReceiptSigner.x(DevReceiptSigner.generate().getPublic());
        // WHEN a key and a store marked as development data are sent
        var key = call("PUT", "/admin/stores/zara/keys/zara-x", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\",\"development\":true}", ApiEvents.ADMIN);
        var devStore = putStore("devshop", "{\"name\":\"Dev\",\"category\":\"x\",\"multiplier\":1,\"active\":true,\"development\":true}", null, ApiEvents.ADMIN);
        // THEN both are refused
        assertEquals(422, key.getStatusCode(), key.getBody());
        assertEquals("development_key_refused", json(key).at("/error/code").asText());
        assertEquals(422, devStore.getStatusCode(), devStore.getBody());
        assertEquals("development_data_refused", json(devStore).at("/error/code").asText());
    }

    @Test
    void approve_shouldBeRefused_whenTheReviewerSubmittedTheReceipt() throws Exception {
        // GIVEN waterstones' manager submitted an unsigned receipt of 500.00 at their own store
        ReceiptService receipts = new Services(core, (u, t, d) -> { }).receipts();
        receipts.submit("ws-manager", ReceiptRequest.unsigned(new ReceiptSubmission("W-500", "waterstones", new BigDecimal("500.00"), NOW.minusSeconds(600))));
        // WHEN they approve (or reject) it themselves THEN 403 own_receipt, nothing credited
        var self = call("POST", "/admin/receipts/waterstones/W-500/approve", null, WATERSTONES_STAFF);
        assertEquals(403, self.getStatusCode(), self.getBody());
        assertEquals("own_receipt", json(self).at("/error/code").asText());
        assertEquals(403, call("POST", "/admin/receipts/waterstones/W-500/reject", "{\"reason\":\"mine\"}", WATERSTONES_STAFF).getStatusCode());
        assertEquals(0, new Services(core).ledger().account("ws-manager").coins());
        // AND the admin decides it
        assertEquals(201, call("POST", "/admin/receipts/waterstones/W-500/approve", null, ApiEvents.ADMIN).getStatusCode());
    }

    @Test
    void authorizationMatrix_shouldHold_forEveryRouteAndRole() throws Exception {
        // GIVEN store A = waterstones (review policy), store B = zara; receipts waiting for review at A
        RoleMatrix matrix = new RoleMatrix(handler, "waterstones", "zara");
        ReceiptService receipts = new Services(core, (u, t, d) -> { }).receipts();
        for (int i = 0; i < 14; i++) {
            receipts.submit("alice-" + i, ReceiptRequest.unsigned(new ReceiptSubmission("M-" + i, "waterstones", new BigDecimal("1.00"), NOW.minusSeconds(600))));
        }
        int[] n = {0};
        int[] approve = {0};
        int[] reject = {7};
        String[] etag = {call("GET", "/admin/stores/waterstones", null, ApiEvents.ADMIN).getHeaders().get("ETag")};
        String body = "{\"name\":\"Waterstones\",\"category\":\"books\",\"multiplier\":2.0,\"verification\":\"review\",\"active\":true}";
        // WHEN every route is called as every role THEN:                 anon user staffA mgrA staffB mgrB admin
        matrix.row("GET /admin/stores", c -> call("GET", "/admin/stores", null, c), 401, 403, 403, 403, 403, 403, 200)
                .row("GET /admin/stores/{storeId}", c -> call("GET", "/admin/stores/waterstones", null, c), 401, 403, 403, 200, 403, 403, 200)
                .row("PUT /admin/stores/{storeId}", c -> {
                    var r = putStore("waterstones", body, etag[0], c);
                    if (r.getStatusCode() == 200) {
                        etag[0] = r.getHeaders().get("ETag");
                    }
                    return r;
                }, 401, 403, 403, 403, 403, 403, 200)
                .row("PUT /admin/stores/{storeId}/keys/{kid}", c -> call("PUT", "/admin/stores/waterstones/keys/ws-" + n[0]++,
                        jwk(DevReceiptSigner.x(DevReceiptSigner.generate().getPublic())), c), 401, 403, 403, 201, 403, 403, 201)
                .row("GET /admin/stores/{storeId}/keys", c -> call("GET", "/admin/stores/waterstones/keys", null, c), 401, 403, 403, 200, 403, 403, 200)
                .row("DELETE /admin/stores/{storeId}/keys/{kid}", c -> call("DELETE", "/admin/stores/waterstones/keys/ws-3", null, c),
                        401, 403, 403, 200, 403, 403, 200)
                .row("GET /admin/receipts", c -> ApiContract.handle(handler, ApiEvents.request("GET", "/admin/receipts")
                        .query(Map.of("storeId", "waterstones")).claims(c).build()), 401, 403, 403, 200, 403, 403, 200)
                .row("POST /admin/receipts/{storeId}/{receiptId}/approve", c -> call("POST", "/admin/receipts/waterstones/M-" + approve[0]++ + "/approve", null, c),
                        401, 403, 403, 201, 403, 403, 201)
                .row("POST /admin/receipts/{storeId}/{receiptId}/reject", c -> call("POST", "/admin/receipts/waterstones/M-" + reject[0]++ + "/reject",
                        "{\"reason\":\"no\"}", c), 401, 403, 403, 200, 403, 403, 200)
                .row("GET /admin/audit", c -> ApiContract.handle(handler, ApiEvents.request("GET", "/admin/audit")
                        .query(Map.of("storeId", "waterstones")).claims(c).build()), 401, 403, 403, 200, 403, 403, 200)
                .row("PUT /admin/campaigns/{campaignId}", c -> call("PUT", "/admin/campaigns/matrix", campaign("draft", "{}", ""), c),
                        401, 403, 403, 403, 403, 403, 201)
                .row("GET /admin/campaigns", c -> call("GET", "/admin/campaigns", null, c), 401, 403, 403, 403, 403, 403, 200)
                .row("POST /admin/campaigns/{campaignId}/forecast", c -> call("POST", "/admin/campaigns/matrix/forecast",
                        "{\"from\":\"2026-11-20T00:00:00Z\",\"to\":\"2026-11-25T00:00:00Z\"}", c), 401, 403, 403, 403, 403, 403, 200)
                .assertAll();
    }

    @Test
    void sampleEvent_shouldListZarasKeys() throws Exception {
        APIGatewayV2HTTPEvent sample = SampleEvents.httpApi("StoreAdminFunction");
        var response = ApiContract.handle(handler, sample);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("zara-dev-1", json(response).get("keys").get(0).get("kid").asText());
    }

    private static String campaign(String status, String budget, String extra) {
        return "{\"name\":\"2× weekend at Zara\",\"status\":\"" + status + "\","
                + "\"window\":{\"start\":\"2026-11-01T00:00:00Z\",\"days\":[\"SATURDAY\",\"SUNDAY\"],\"from\":\"10:00\",\"to\":\"20:00\"},"
                + "\"conditions\":{\"storeIds\":[\"zara\"]},\"effect\":{\"multiplier\":2,\"maxCoinsPerReceipt\":500},"
                + "\"stacking\":\"best-of\",\"budget\":" + budget + extra + "}";
    }

    @Test
    void campaigns_shouldBeCreatedChangedAndListedWithTheirSpend_byAdminsOnly() {
        // WHEN an admin puts a new campaign: 201 with version 1 and the whole budget remaining
        var created = call("PUT", "/admin/campaigns/weekend-h1", campaign("draft", "{\"totalCoins\":1000}", ""), ApiEvents.ADMIN);
        assertEquals(201, created.getStatusCode(), created.getBody());
        assertEquals(1, json(created).get("version").asInt());
        assertEquals(1000, json(created).get("remaining").asInt());
        assertEquals("best-of", json(created).get("campaign").get("stacking").asText());
        // AND changes it (activated, a bigger budget) from version 1: 200, version 2, the difference added
        var changed = call("PUT", "/admin/campaigns/weekend-h1", campaign("active", "{\"totalCoins\":1500}", ",\"expectedVersion\":1"), ApiEvents.ADMIN);
        assertEquals(200, changed.getStatusCode(), changed.getBody());
        assertEquals(2, json(changed).get("version").asInt());
        assertEquals(1500, json(changed).get("remaining").asInt());
        assertEquals("admin-1", json(changed).get("updatedBy").asText(), changed.getBody());
        // THEN a change from the old version is 409 campaign_changed, and the list shows it with its spend
        var stale = call("PUT", "/admin/campaigns/weekend-h1", campaign("paused", "{}", ",\"expectedVersion\":1"), ApiEvents.ADMIN);
        assertEquals(409, stale.getStatusCode(), stale.getBody());
        assertEquals("campaign_changed", json(stale).get("error").get("code").asText());
        var list = call("GET", "/admin/campaigns", null, ApiEvents.ADMIN);
        assertEquals(200, list.getStatusCode(), list.getBody());
        JsonNode listed = null;
        for (JsonNode c : json(list).get("campaigns")) {
            listed = "weekend-h1".equals(c.get("campaign").get("campaignId").asText()) ? c : listed;
        }
        assertEquals(0, listed.get("spent").asInt());
        assertEquals("active", listed.get("campaign").get("status").asText());
        // AND store staff are refused; an effect that gives nothing and an unknown status are 400s
        assertEquals(403, call("GET", "/admin/campaigns", null, ZARA_STAFF).getStatusCode());
        assertEquals(403, call("PUT", "/admin/campaigns/weekend-h2", campaign("draft", "{}", ""), ZARA_STAFF).getStatusCode());
        var nothing = call("PUT", "/admin/campaigns/weekend-h2", campaign("draft", "{}", "").replace("\"multiplier\":2,", ""), ApiEvents.ADMIN);
        assertEquals(400, nothing.getStatusCode(), nothing.getBody());
        assertEquals(400, call("PUT", "/admin/campaigns/weekend-h2", campaign("running", "{}", ""), ApiEvents.ADMIN).getStatusCode());
        assertEquals(400, call("PUT", "/admin/campaigns/Weekend!", campaign("draft", "{}", ""), ApiEvents.ADMIN).getStatusCode());
        // AND each change that went through is in the audit trail, newest first, by whom (the stale one is not)
        List<String> audited = new ArrayList<>();
        for (JsonNode entry : json(ApiContract.handle(handler, ApiEvents.request("GET", "/admin/audit").claims(ApiEvents.ADMIN).build())).get("entries")) {
            if ("campaign:weekend-h1".equals(entry.get("target").asText())) {
                audited.add(entry.get("action").asText() + " by " + entry.get("actorId").asText());
            }
        }
        assertEquals(List.of("campaign.changed by admin-1", "campaign.created by admin-1"), audited);
        // AND a forecast of it answers over HTTP; an unknown campaign is 404, a period backwards 400
        var forecast = call("POST", "/admin/campaigns/weekend-h1/forecast", "{\"from\":\"2026-11-20T00:00:00Z\",\"to\":\"2026-11-25T00:00:00Z\"}", ApiEvents.ADMIN);
        assertEquals(200, forecast.getStatusCode(), forecast.getBody());
        assertEquals("weekend-h1", json(forecast).get("campaignId").asText());
        assertEquals(404, call("POST", "/admin/campaigns/nothing/forecast", "{\"from\":\"2026-11-20T00:00:00Z\",\"to\":\"2026-11-25T00:00:00Z\"}", ApiEvents.ADMIN).getStatusCode());
        assertEquals(400, call("POST", "/admin/campaigns/weekend-h1/forecast", "{\"from\":\"2026-11-25T00:00:00Z\",\"to\":\"2026-11-20T00:00:00Z\"}", ApiEvents.ADMIN).getStatusCode());
    }
}
