package com.mallquest.functions.rewards;

import java.time.Instant;
import java.time.Clock;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.operations.fleet.FleetReader;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.domain.spending.RewardChange;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.RoleMatrix;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.EmfOutput;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.core.testing.ReceiptCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rewards function's routes against moto_server, and its authorization matrix: no token, a shopper, another
 * shopper, staff of the reward's store, staff of another store, an admin.
 */
class RewardsHandlerTest {

    private static final Map<String, String> SHOPPER = Map.of("sub", "shopper-1", "cognito:groups", "[]");
    private static final Map<String, String> OTHER = Map.of("sub", "shopper-2", "cognito:groups", "[]");
    private static final Map<String, String> STAFF = Map.of("sub", "barista-1", "cognito:groups", "[store-staff]",
            "custom:storeId", "starbucks");
    private static final Map<String, String> OTHER_STAFF = Map.of("sub", "nike-1", "cognito:groups", "[store-staff]",
            "custom:storeId", "nike");
    private static final Map<String, String> ADMIN = ApiEvents.ADMIN;
    private static final Map<String, String> MANAGER = Map.of("sub", "starbucks-manager", "cognito:groups", "[store-manager]",
            "custom:storeId", "starbucks");

    private Platform core;
    private RewardsHandler handler;

    @BeforeEach
    void setUp() {
        core = TestStack.withClock(TestStack.seeded("rewards", Instant.now(), Map.of()).core(), Clock.systemUTC());
        new Services(core).rewards().put(new com.mallquest.core.platform.identity.Caller("admin-1", java.util.Set.of("admin")), "free-coffee", new RewardChange("A free coffee", "Filter, any size", "starbucks",
                100L, 50L, null, null, null, null, null, null, 14, null, null));
        Ledger ledger = new Services(core).ledger();
        List<String> users = new java.util.ArrayList<>(List.of("shopper-2", "barista-1", "nike-1", "starbucks-manager"));
        users.addAll(RoleMatrix.userIds());
        for (String user : users) {
            ledger.credit(new Credit(user, "adj:welcome-" + user, 1000, 0, CreditKind.ADJUSTMENT, Map.of()));
        }
        handler = new RewardsHandler(new Services(core, (userId, type, data) -> { }));
    }

    private APIGatewayV2HTTPResponse send(String method, String path, String body, Map<String, String> claims) {
        APIGatewayV2HTTPEvent event = ApiEvents.request(method, path).body(body).claims(claims).build();
        return ApiContract.handle(handler, event);
    }

    private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
        return Json.MAPPER.readTree(response.getBody());
    }

    private String redeem(Map<String, String> claims, String redemptionId) throws Exception {
        APIGatewayV2HTTPResponse r = send("POST", "/redemptions",
                "{\"redemptionId\":\"" + redemptionId + "\",\"rewardId\":\"free-coffee\"}", claims);
        assertEquals(201, r.getStatusCode(), r.getBody());
        return json(r).path("couponCode").asText();
    }

    @Test
    void authorizationMatrix_shouldHold_forEveryRouteAndRole() throws Exception {
        // GIVEN the roles of the mall, store A = starbucks (the reward's store), store B = nike
        RoleMatrix matrix = new RoleMatrix(handler, "starbucks", "nike");
        int[] n = {0};
        new Services(core, (userId, type, data) -> { }).receipts().submit("shopper-1", ReceiptCodes.signed(new ReceiptSubmission("R-77", "starbucks",
                new BigDecimal("20.00"), core.clock().instant().minusSeconds(600))));
        // WHEN every route is called as every role THEN:   anon user staffA mgrA staffB mgrB admin
        matrix.row("GET /rewards", c -> send("GET", "/rewards", null, c), 200, 200, 200, 200, 200, 200, 200)
                .row("GET /rewards/{rewardId}", c -> send("GET", "/rewards/free-coffee", null, c), 200, 200, 200, 200, 200, 200, 200)
                .row("PUT /admin/rewards/{rewardId}", c -> send("PUT", "/admin/rewards/free-coffee",
                        "{\"title\":\"A free coffee\",\"storeId\":\"starbucks\",\"costCoins\":100,\"couponValidDays\":14}", c),
                        401, 403, 403, 403, 403, 403, 200)
                .row("POST /redemptions", c -> send("POST", "/redemptions",
                        "{\"redemptionId\":\"m-" + n[0]++ + "\",\"rewardId\":\"free-coffee\"}", c), 401, 201, 201, 201, 201, 201, 201)
                .row("GET /users/me/redemptions", c -> send("GET", "/users/me/redemptions", null, c), 401, 200, 200, 200, 200, 200, 200)
                // a coupon of store A: looked up and accepted by A's cashier and manager, never by B's
                .row("GET /coupons/{couponCode}", c -> send("GET", "/coupons/" + freshCoupon(n[0]++), null, c), 401, 403, 200, 200, 403, 403, 200)
                .row("POST /coupons/{couponCode}/redeem", c -> send("POST", "/coupons/" + freshCoupon(n[0]++) + "/redeem", null, c),
                        401, 403, 200, 200, 403, 403, 200)
                // a refund moves coins: A's manager and admins only, never a cashier
                .row("POST /admin/receipts/{storeId}/{receiptId}/refund", c -> send("POST", "/admin/receipts/starbucks/R-77/refund",
                        "{\"refundId\":\"ret-" + n[0]++ + "\",\"amount\":1.00}", c), 401, 403, 403, 201, 403, 403, 201)
                .assertAll();
    }

    /** A new coupon of the starbucks reward, redeemed by a shopper of its own (the redemption rate limit is per user). */
    private String freshCoupon(int i) {
        try {
            new Services(core).ledger().credit(new Credit("coupon-buyer-" + i, "adj:coupon-" + i, 100, 0, CreditKind.ADJUSTMENT, Map.of()));
            return redeem(Map.of("sub", "coupon-buyer-" + i, "cognito:groups", "[]"), "coupon-" + i);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void redemption_shouldAnswer201ThenReplay200_andShowInTheUsersList() throws Exception {
        APIGatewayV2HTTPResponse first = send("POST", "/redemptions", "{\"redemptionId\":\"r-1\",\"rewardId\":\"free-coffee\"}", SHOPPER);
        APIGatewayV2HTTPResponse again = send("POST", "/redemptions", "{\"redemptionId\":\"r-1\",\"rewardId\":\"free-coffee\"}", SHOPPER);
        assertEquals(201, first.getStatusCode(), first.getBody());
        assertEquals(200, again.getStatusCode(), again.getBody());
        JsonNode body = json(first);
        for (String field : List.of("redemptionId", "rewardId", "couponCode", "expiresAt", "coinsSpent", "balance")) {
            assertTrue(body.has(field), field + " in " + first.getBody());
        }
        assertEquals(900, body.path("balance").asLong());
        assertEquals(body.path("couponCode"), json(again).path("couponCode"));
        assertTrue(!body.has("replayed"), first.getBody());
        JsonNode list = json(ApiContract.handle(handler, ApiEvents.request("GET", "/users/me/redemptions")
                .query(Map.of("limit", "5")).claims(SHOPPER).build()));
        assertEquals(1, list.path("redemptions").size());
        assertEquals("issued", list.path("redemptions").get(0).path("couponState").asText(), list.toString());
        assertTrue(!body.has("couponState"), first.getBody());
        assertEquals(0, json(send("GET", "/users/me/redemptions", null, OTHER)).path("redemptions").size());
        assertEquals(49, json(send("GET", "/rewards/free-coffee", null, null)).path("remaining").asLong());
    }

    @Test
    void errors_shouldBeClear4xxJson() throws Exception {
        APIGatewayV2HTTPResponse other = send("POST", "/redemptions", "{\"redemptionId\":\"r-2\",\"rewardId\":\"nope\"}", SHOPPER);
        assertEquals(422, other.getStatusCode());
        assertEquals("unknown_reward", json(other).path("error").path("code").asText());
        APIGatewayV2HTTPResponse bad = send("POST", "/redemptions", "{\"redemptionId\":\"a b\",\"rewardId\":\"free-coffee\"}", SHOPPER);
        assertEquals(400, bad.getStatusCode(), bad.getBody());
        assertEquals("redemptionId", json(bad).path("error").path("field").asText());
        assertEquals(400, send("POST", "/redemptions", "{\"redemptionId\":\"x\"}", SHOPPER).getStatusCode());
        assertEquals(400, send("POST", "/redemptions", "", SHOPPER).getStatusCode());
        assertEquals(404, send("GET", "/coupons/0000-0000-0000-0000", null, ADMIN).getStatusCode());
        assertEquals(404, send("GET", "/rewards/nope", null, null).getStatusCode());
        APIGatewayV2HTTPResponse stock = send("PUT", "/admin/rewards/free-coffee",
                "{\"title\":\"A free coffee\",\"storeId\":\"starbucks\",\"costCoins\":100,\"stock\":5,\"expectedStock\":7}", ADMIN);
        assertEquals(409, stock.getStatusCode(), stock.getBody());
        assertEquals(50, json(stock).path("error").path("remaining").asLong());
        APIGatewayV2HTTPResponse store = send("PUT", "/admin/rewards/x-1", "{\"title\":\"X\",\"storeId\":\"nowhere\",\"costCoins\":1}", ADMIN);
        assertEquals(422, store.getStatusCode(), store.getBody());
        APIGatewayV2HTTPResponse created = send("PUT", "/admin/rewards/x-1", "{\"title\":\"X\",\"costCoins\":1,\"stock\":3}", ADMIN);
        assertEquals(201, created.getStatusCode(), created.getBody());
        assertEquals(1, json(created).path("version").asLong(), created.getBody());
        // a stockDelta names the version it applies to: without one 400, applied once, a repeat answers the same
        APIGatewayV2HTTPResponse unversioned = send("PUT", "/admin/rewards/x-1", "{\"title\":\"X\",\"costCoins\":1,\"stockDelta\":-2}", ADMIN);
        assertEquals(400, unversioned.getStatusCode(), unversioned.getBody());
        assertEquals("expectedVersion", json(unversioned).path("error").path("field").asText());
        String withdraw = "{\"title\":\"X\",\"costCoins\":1,\"stockDelta\":-2,\"expectedVersion\":1}";
        APIGatewayV2HTTPResponse delta = send("PUT", "/admin/rewards/x-1", withdraw, ADMIN);
        assertEquals(200, delta.getStatusCode(), delta.getBody());
        assertEquals(1, json(delta).path("remaining").asLong());
        assertEquals(2, json(delta).path("version").asLong());
        APIGatewayV2HTTPResponse repeat = send("PUT", "/admin/rewards/x-1", withdraw, ADMIN);
        assertEquals(200, repeat.getStatusCode(), repeat.getBody());
        assertEquals(1, json(repeat).path("remaining").asLong());
        APIGatewayV2HTTPResponse stale = send("PUT", "/admin/rewards/x-1", "{\"title\":\"X\",\"costCoins\":1,\"stockDelta\":-1,\"expectedVersion\":1}", ADMIN);
        assertEquals(409, stale.getStatusCode(), stale.getBody());
        assertEquals("reward_changed", json(stale).path("error").path("code").asText());
        assertEquals(2, json(stale).path("error").path("version").asLong());
        assertEquals(409, send("PUT", "/admin/rewards/x-1", "{\"title\":\"X\",\"costCoins\":1,\"stockDelta\":-2,\"expectedVersion\":2}", ADMIN).getStatusCode());
    }

    @Test
    void redemption_shouldEmitItsEmfCounters() throws Exception {
        String out = EmfOutput.capture(() -> send("POST", "/redemptions", "{\"redemptionId\":\"emf-1\",\"rewardId\":\"free-coffee\"}", SHOPPER)).output();
        assertTrue(out.contains("\"CoinsSpent\":100"), out);
        String refused = EmfOutput.capture(() -> send("POST", "/redemptions", "{\"redemptionId\":\"emf-2\",\"rewardId\":\"nope\"}", SHOPPER)).output();
        assertTrue(refused.contains("RedemptionsRejected.unknown_reward"), refused);
    }

    @Test
    void refund_shouldAnswer201ThenReplay200_andClear4xx() throws Exception {
        new Services(core, (userId, type, data) -> { }).receipts().submit("shopper-2", ReceiptCodes.signed(new ReceiptSubmission("R-88", "starbucks",
                new BigDecimal("10.00"), core.clock().instant().minusSeconds(600)))); // 30 coins at x3
        String body = "{\"refundId\":\"RET-1\",\"amount\":5.00}";
        APIGatewayV2HTTPResponse first = send("POST", "/admin/receipts/starbucks/R-88/refund", body, MANAGER);
        APIGatewayV2HTTPResponse again = send("POST", "/admin/receipts/starbucks/R-88/refund", body, MANAGER);
        assertEquals(201, first.getStatusCode(), first.getBody());
        assertEquals(200, again.getStatusCode(), again.getBody());
        assertEquals(15, json(first).path("coinsReversed").asLong());
        assertEquals(0, new BigDecimal("5.00").compareTo(json(first).path("refundable").decimalValue()), first.getBody());
        assertEquals(1000 + 30 - 15, new Services(core).ledger().account("shopper-2").coins());
        APIGatewayV2HTTPResponse over = send("POST", "/admin/receipts/starbucks/R-88/refund", "{\"refundId\":\"RET-2\",\"amount\":6}", MANAGER);
        assertEquals(422, over.getStatusCode(), over.getBody());
        assertEquals("refund_exceeds_purchase", json(over).path("error").path("code").asText());
        assertEquals(404, send("POST", "/admin/receipts/starbucks/NOPE/refund", body, MANAGER).getStatusCode());
        assertEquals(400, send("POST", "/admin/receipts/starbucks/R-88/refund", "{\"refundId\":\"RET-3\",\"amount\":\"5\"}", MANAGER).getStatusCode());
        assertEquals(409, send("POST", "/admin/receipts/starbucks/R-88/refund", "{\"refundId\":\"RET-1\",\"amount\":4}", MANAGER).getStatusCode());
    }

    @Test
    void redemption_shouldAddToTheFleetBusinessCounters_butNotReplays() throws Exception {
        // GIVEN a redemption, its replay, and a refused one
        redeem(SHOPPER, "fleet-1");
        send("POST", "/redemptions", "{\"redemptionId\":\"fleet-1\",\"rewardId\":\"free-coffee\"}", SHOPPER);
        send("POST", "/redemptions", "{\"redemptionId\":\"fleet-2\",\"rewardId\":\"nope\"}", SHOPPER);
        // WHEN the fleet figures are read (what GET /metrics reports)
        Map<String, Long> minute = new FleetReader(core.cache(), core.clock()).snapshot().business().get("1m");
        // THEN the redemption and its coins count once, the refusal once
        assertEquals(1L, minute.get("Redemptions"));
        assertEquals(100L, minute.get("CoinsSpent"));
        assertEquals(1L, minute.get("RedemptionsRejected"));
    }

    @Test
    void sampleEvent_shouldRedeemOnce_thenReplay() throws Exception {
        // GIVEN the sample event (demo-user redeems the seeded mall-wide parking reward) and its seed
        new Services(core).rewards().put(new com.mallquest.core.platform.identity.Caller("admin-1", java.util.Set.of("admin")), "mall-parking-2h", new RewardChange("Two hours' free parking", null, null, 80L, null,
                null, null, null, null, null, null, 7, null, null));
        new Services(core).ledger().credit(new Credit("demo-user", "adj:seed-welcome", 120, 340, CreditKind.ADJUSTMENT, Map.of()));
        APIGatewayV2HTTPEvent sample = SampleEvents.httpApi("RewardsFunction");
        APIGatewayV2HTTPResponse first = ApiContract.handle(handler, sample);
        APIGatewayV2HTTPResponse second = ApiContract.handle(handler, sample);
        assertEquals(201, first.getStatusCode(), first.getBody());
        assertEquals(200, second.getStatusCode(), second.getBody());
        assertEquals(40, json(first).path("balance").asLong());
    }
}
