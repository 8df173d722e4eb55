package com.mallquest.core.domain.spending;

import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.platform.dynamo.Attributes;
import com.mallquest.core.platform.dynamo.FaultyDynamoDbProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A redemption's one transaction on the wire (through {@link FaultyDynamoDbProxy}, the production client: 2 s per
 * attempt, 3 attempts): a first copy that arrives after the SDK's retry applied, an applied transaction whose answer
 * is lost, and DynamoDB's {@code TransactionConflict} on a hot reward (which moto never answers).
 */
class RedemptionFaultTest {

    private final SpendingFixture f = new SpendingFixture();
    private FaultyDynamoDbProxy proxy;
    private DynamoDbClient viaProxy;

    @BeforeEach
    void setUp() throws Exception {
        proxy = new FaultyDynamoDbProxy(URI.create(f.env.get("DYNAMODB_ENDPOINT")));
        viaProxy = proxy.productionClient(f.env);
        f.reward("lamp", "nike", 100, 5L, 1);
        f.fund("lena", 300, 0);
    }

    @AfterEach
    void tearDown() {
        viaProxy.close();
        proxy.close();
    }

    private static boolean isTransaction(FaultyDynamoDbProxy.Call call) {
        return call.operation().equals("TransactWriteItems");
    }

    /** One debit, one coupon, one unit of stock, one use of the allowance. */
    private void assertRedeemedOnce() {
        assertEquals(200, f.ledger().account("lena").coins());
        assertEquals(1, f.activity("lena", CreditKind.REDEMPTION).size());
        assertEquals(1, f.coupons("lena").size());
        assertEquals(4, f.remaining("lamp"));
        assertEquals(1, Attributes.number(f.item(SpendingItems.limitKey("lena", "lamp")), SpendingItems.USED));
        f.assertBalanceEqualsActivity("lena");
    }

    @Test
    void redeem_shouldSpendAndTakeStockOnce_whenTheFirstTransactionArrivesAfterTheRetryApplied() throws Exception {
        // GIVEN a proxy that holds the first transaction past the SDK's attempt timeout
        proxy.holdFirst(RedemptionFaultTest::isTransaction);
        // WHEN the shopper redeems: the SDK retries the transaction, and the retry applies it
        Redemption made = f.redemptions(viaProxy).redeem("lena", new RedemptionRequest("rd-1", "lamp"));
        assertTrue(proxy.awaitHeld(0), "the first transaction was held");
        assertFalse(made.replayed());
        // AND then the stalled first copy reaches the database
        int lateStatus = proxy.releaseHeld().get(10, TimeUnit.SECONDS);
        // THEN the late copy was cancelled and changed nothing
        assertEquals(400, lateStatus, "the late copy is a cancelled transaction");
        assertRedeemedOnce();
        assertEquals(made.couponCode(), f.redemptions().redeem("lena", new RedemptionRequest("rd-1", "lamp")).couponCode());
    }

    @Test
    void redeem_shouldAnswerTheCoupon_whenTheAnswerOfItsAppliedTransactionIsLost() {
        // GIVEN a transaction that is applied, but whose answer is lost on the way back (the SDK sends it again)
        proxy.loseAnswerOfNext(1, RedemptionFaultTest::isTransaction);
        // WHEN the shopper redeems
        Redemption made = f.redemptions(viaProxy).redeem("lena", new RedemptionRequest("rd-1", "lamp"));
        // THEN the SDK's own retry is recognised as this redemption: the coupon it made, once
        assertEquals(1, proxy.failures());
        assertTrue(made.replayed(), "the second copy found the first one's debit");
        assertEquals(f.coupons("lena").get(0).get("couponCode").s(), made.couponCode());
        assertEquals(200, made.balance());
        assertRedeemedOnce();
    }

    @Test
    void redeem_shouldRetryWithBackoff_whenDynamoDbAnswersTransactionConflictOnAHotReward() {
        // GIVEN DynamoDB answering the next three transactions with TransactionConflict (others on the reward's stock)
        proxy.conflictNext(3, RedemptionFaultTest::isTransaction);
        // WHEN the shopper redeems
        Redemption made = f.redemptions(viaProxy).redeem("lena", new RedemptionRequest("rd-1", "lamp"));
        // THEN it was sent four times and applied once
        assertEquals(3, proxy.conflicts());
        assertFalse(made.replayed());
        assertRedeemedOnce();
    }
}
