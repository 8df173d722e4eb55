package com.mallquest.functions.rewards;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.domain.spending.RewardChange;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.testing.RecordingDynamoDb;
import com.mallquest.core.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one redemption and one receipt refund cost in DynamoDB round trips, counted by operation on the handler's
 * client. Not timed: a change that adds a read or a write to either money path fails here.
 */
class RewardsRoundTripsTest {

    private static final Map<String, String> SHOPPER = Map.of("sub", "shopper-1", "cognito:groups", "[]");
    private static final Map<String, String> MANAGER = Map.of("sub", "starbucks-manager", "cognito:groups", "[store-manager]",
            "custom:storeId", "starbucks");

    private Platform core;
    private RecordingDynamoDb dynamo;
    private RewardsHandler handler;

    @BeforeEach
    void setUp() {
        core = TestStack.withClock(TestStack.seeded("rewards", Instant.now(), Map.of()).core(), Clock.systemUTC());
        dynamo = new RecordingDynamoDb(core.dynamoDb());
        handler = new RewardsHandler(new Services(TestStack.withDynamoDb(core, dynamo.client()), (userId, type, data) -> { }));
    }

    @Test
    void redemption_shouldCostOneReadOfTheRewardOneOfTheProfileAndOneTransaction() {
        // GIVEN a funded shopper and a reward with counted stock and a per-user limit (every extra item of the debit)
        new Services(core).rewards().put(new com.mallquest.core.platform.identity.Caller("admin-1", java.util.Set.of("admin")), "free-coffee", new RewardChange("A free coffee", null, "starbucks",
                100L, 50L, null, null, 3, null, null, null, 14, null, null));
        new Services(core).ledger().credit(new Credit("shopper-1", "adj:welcome", 1000, 0, CreditKind.ADJUSTMENT, Map.of()));
        dynamo.clear();
        // WHEN the shopper redeems it
        APIGatewayV2HTTPResponse redeemed = handler.handleRequest(ApiEvents.request("POST", "/redemptions")
                .body("{\"redemptionId\":\"r-1\",\"rewardId\":\"free-coffee\"}").claims(SHOPPER).build(), null);
        // THEN the reward's read, the profile's read, and one transaction (debit record, profile, activity, redemption
        // record, coupon, stock, per-user count): 3 round trips (11 with the leased-record protocol before)
        assertEquals(201, redeemed.getStatusCode(), redeemed.getBody());
        assertEquals(Map.of("getItem", 2, "transactWriteItems", 1), dynamo.operationCounts(),
                "DynamoDB requests of one redemption");
    }

    @Test
    void refund_shouldCostItsCountedRoundTrips() {
        // GIVEN a credited receipt of 20.00 at starbucks
        new Services(core, (userId, type, data) -> { }).receipts().submit("shopper-1", ReceiptCodes.signed(
                new ReceiptSubmission("R-77", "starbucks", new BigDecimal("20.00"), core.clock().instant().minusSeconds(600))));
        dynamo.clear();
        // WHEN its store's manager refunds part of it (refunds are a manager's: the cashier's token moves no coins)
        APIGatewayV2HTTPResponse refunded = handler.handleRequest(ApiEvents.request("POST", "/admin/receipts/starbucks/R-77/refund")
                .body("{\"refundId\":\"ret-1\",\"amount\":5.00}").claims(MANAGER).build(), null);
        // THEN the receipt claim's read, the refunded total's read, the profile's read, and one transaction (reversal
        // record, profile, activity, refund record, refunded total): 4 round trips (6 with the leased-record protocol)
        assertEquals(201, refunded.getStatusCode(), refunded.getBody());
        assertEquals(Map.of("getItem", 3, "transactWriteItems", 1), dynamo.operationCounts(),
                "DynamoDB requests of one refund");
    }
}
