package com.mallquest.core.domain.spending;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.ledger.Account;
import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.domain.users.UserView;
import com.mallquest.core.domain.users.UserViewService;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Receipt refunds against moto_server: proportional reversal, bounds, exactly once, spent coins, who may refund. */
class ReceiptRefundsTest {

    private static final Caller ADMIN = new Caller("admin-1", Set.of("admin"));
    private static final Caller NIKE = new Caller("nike-1", Set.of("store-manager"), "nike");
    private static final Caller ZARA = new Caller("zara-1", Set.of("store-manager"), "zara");

    private final SpendingFixture f = new SpendingFixture();

    private static RefundRequest refund(String refundId, String amount) {
        return new RefundRequest(refundId, new BigDecimal(amount));
    }

    private long reversed(String userId, CreditKind kind) {
        return f.activity(userId, kind).stream().mapToLong(ActivityEntry::coins).sum();
    }

    @Test
    void refund_shouldReverseEverything_whenTheWholePurchaseIsReturned_andMayLowerTheLevel() {
        // GIVEN a credited Nike receipt: 125.50 x 1.5 = 188 coins, 125 XP (level 2)
        f.credited("mia", "nike", "R-1", "125.50");
        assertEquals(2, f.ledger().account("mia").level());
        // WHEN the store refunds all of it
        ReceiptRefund r = f.refunds().refund(NIKE, "nike", "R-1", refund("RET-1", "125.50"));
        // THEN the coins and XP are reversed exactly, the level drops, and the activity says why
        assertFalse(r.replayed());
        assertEquals(188, r.coinsReversed());
        assertEquals(125, r.xpReversed());
        assertEquals(new BigDecimal("0.00"), r.refundable());
        Account after = f.ledger().account("mia");
        assertEquals(0, after.coins());
        assertEquals(0, after.xp());
        assertEquals(1, after.level());
        ActivityEntry entry = f.activity("mia", CreditKind.RECEIPT_REFUND).get(0);
        assertEquals("nike", entry.details().get("storeId"));
        assertEquals("R-1", entry.details().get("receiptId"));
        assertEquals("RET-1", entry.details().get("refundId"));
        f.assertBalanceEqualsActivity("mia");
        // AND nothing more can be refunded
        DomainException more = assertThrows(DomainException.class, () -> f.refunds().refund(ADMIN, "nike", "R-1", refund("RET-2", "0.01")));
        assertEquals("refund_exceeds_purchase", more.code());
        assertEquals(new BigDecimal("0.00"), more.details().get("refundable"));
        // AND a repeat of the full refund is still its replay, not a refusal
        ReceiptRefund again = f.refunds().refund(NIKE, "nike", "R-1", refund("RET-1", "125.50"));
        assertTrue(again.replayed());
        assertEquals(188, again.coinsReversed());
        assertEquals(1, f.activity("mia", CreditKind.RECEIPT_REFUND).size());
    }

    @Test
    void partialRefunds_shouldNeverReverseMoreThanCredited_whateverTheRounding() {
        // GIVEN 10.00 at Nike: 15 coins, 10 XP
        f.credited("noah", "nike", "R-2", "10.00");
        // WHEN three partial refunds cover it: 3.33 + 3.33 + 3.34
        long c1 = f.refunds().refund(NIKE, "nike", "R-2", refund("a", "3.33")).coinsReversed();
        long c2 = f.refunds().refund(NIKE, "nike", "R-2", refund("b", "3.33")).coinsReversed();
        ReceiptRefund last = f.refunds().refund(NIKE, "nike", "R-2", refund("c", "3.34"));
        // THEN floor(15 x 3.33/10) = 4, floor(15 x 6.66/10) - 4 = 5, 15 - 9 = 6: exactly 15 in all
        assertEquals(List.of(4L, 5L, 6L), List.of(c1, c2, last.coinsReversed()));
        assertEquals(-15, reversed("noah", CreditKind.RECEIPT_REFUND));
        assertEquals(0, f.ledger().account("noah").coins());
        assertEquals(0, f.ledger().account("noah").xp());
        assertEquals(new BigDecimal("10.00"), last.refundedTotal());
        f.assertBalanceEqualsActivity("noah");
    }

    @Test
    void refund_shouldBeExactlyOncePerRefundId_andRefuseAnotherAmountUnderIt() {
        f.credited("olga", "zara", "R-3", "80.00"); // 80 coins
        // GIVEN a refund id refused for more than the purchase: it keeps that answer, and another amount under it is 409
        assertEquals("refund_exceeds_purchase", assertThrows(DomainException.class,
                () -> f.refunds().refund(ZARA, "zara", "R-3", refund("big", "100.00"))).code());
        assertEquals("refund_details_differ", assertThrows(DomainException.class,
                () -> f.refunds().refund(ZARA, "zara", "R-3", refund("big", "10.00"))).code());
        assertEquals(80, f.ledger().account("olga").coins());
        ReceiptRefund first = f.refunds().refund(ZARA, "zara", "R-3", refund("RET-9", "20.00"));
        ReceiptRefund again = f.refunds().refund(ZARA, "zara", "R-3", refund("RET-9", "20.00"));
        assertTrue(again.replayed());
        assertEquals(first.coinsReversed(), again.coinsReversed());
        assertEquals(60, f.ledger().account("olga").coins());
        assertEquals("refund_details_differ", assertThrows(DomainException.class,
                () -> f.refunds().refund(ZARA, "zara", "R-3", refund("RET-9", "30.00"))).code());
        assertEquals(60, f.ledger().account("olga").coins());
        // AND a repeat after another refund of the receipt (its share would now be computed on another total) is
        // still the replay of what it did
        f.refunds().refund(ZARA, "zara", "R-3", refund("RET-10", "30.00"));
        ReceiptRefund late = f.refunds().refund(ZARA, "zara", "R-3", refund("RET-9", "20.00"));
        assertTrue(late.replayed());
        assertEquals(first.coinsReversed(), late.coinsReversed());
        assertEquals(first.refundedTotal(), late.refundedTotal());
        assertEquals(30, f.ledger().account("olga").coins());
        assertEquals(2, f.activity("olga", CreditKind.RECEIPT_REFUND).size());
        f.assertBalanceEqualsActivity("olga");
    }

    @Test
    void parallelPartialRefunds_shouldStopAtThePurchase() throws Exception {
        // GIVEN 10.00 at Nike (15 coins) and ten parallel refunds of 2.00 each
        f.credited("pia", "nike", "R-4", "10.00");
        List<Object> outcomes = Concurrently.run(10, i -> () -> f.refunds().refund(NIKE, "nike", "R-4", refund("p-" + i, "2.00")));
        // THEN exactly five fit, and together they reverse exactly the 15 coins
        assertEquals(5, outcomes.stream().filter(o -> o instanceof ReceiptRefund).count());
        outcomes.stream().filter(o -> !(o instanceof ReceiptRefund))
                .forEach(o -> assertEquals("refund_exceeds_purchase", ((DomainException) o).code()));
        assertEquals(-15, reversed("pia", CreditKind.RECEIPT_REFUND));
        assertEquals(0, f.ledger().account("pia").coins());
        f.assertBalanceEqualsActivity("pia");
    }

    @Test
    void refund_shouldLeaveADebt_whenTheCoinsWereSpent_thatTheNextCreditsPayFirst() {
        // GIVEN 188 coins earned at Nike, 150 of them spent on a reward
        f.credited("quinn", "nike", "R-5", "125.50");
        f.reward("jacket", "nike", 150, null, null);
        f.redemptions().redeem("quinn", new RedemptionRequest("q-1", "jacket"));
        // WHEN the purchase is returned
        f.refunds().refund(NIKE, "nike", "R-5", refund("RET-5", "125.50"));
        // THEN the ledger balance is 38 - 188 = -150: the view shows 0 coins and 150 owed
        assertEquals(-150, f.ledger().account("quinn").coins());
        UserViewService users = new Services(f.core(f.dynamo)).users();
        UserView view = users.view(new Caller("quinn", Set.of()), "quinn");
        assertEquals(0, view.coins());
        assertEquals(150, view.coinsOwed());
        assertEquals("receipt_refund", view.recentActivity().get(0).kind());
        f.assertBalanceEqualsActivity("quinn");
        // AND nothing can be redeemed while owing
        f.reward("sticker", null, 1, null, null);
        assertEquals("insufficient_balance", assertThrows(DomainException.class,
                () -> f.redemptions().redeem("quinn", new RedemptionRequest("q-2", "sticker"))).code());
        // AND the next receipt pays the debt first: 100 coins → still 50 owed
        f.credited("quinn", "zara", "R-6", "100.00");
        UserView later = users.view(new Caller("quinn", Set.of()), "quinn");
        assertEquals(0, later.coins());
        assertEquals(50, later.coinsOwed());
        f.credited("quinn", "zara", "R-7", "80.00");
        assertEquals(30, users.view(new Caller("quinn", Set.of()), "quinn").coins());
        f.assertBalanceEqualsActivity("quinn");
    }

    @Test
    void refund_shouldRefuseOtherStoresStaff_unknownReceipts_andReceiptsNotCredited() {
        f.credited("rosa", "nike", "R-8", "50.00");
        DomainException other = assertThrows(DomainException.class, () -> f.refunds().refund(ZARA, "nike", "R-8", refund("x", "1.00")));
        assertEquals(DomainException.Kind.FORBIDDEN, other.kind());
        DomainException shopper = assertThrows(DomainException.class,
                () -> f.refunds().refund(new Caller("rosa", Set.of()), "nike", "R-8", refund("x", "1.00")));
        assertEquals(DomainException.Kind.FORBIDDEN, shopper.kind());
        DomainException unknown = assertThrows(DomainException.class, () -> f.refunds().refund(NIKE, "nike", "NOPE", refund("x", "1.00")));
        assertEquals("receipt_not_found", unknown.code());
        assertEquals(DomainException.Kind.NOT_FOUND, unknown.kind());
        // a receipt whose credit has not happened (an unsigned one still waiting for review: a signed receipt is claimed
        // and credited in one transaction, so none is ever claimed and not credited)
        f.receipts(f.dynamo).submit("rosa", com.mallquest.core.domain.receipts.ReceiptRequest.unsigned(
                new com.mallquest.core.domain.receipts.ReceiptSubmission("R-9", "waterstones", new BigDecimal("20.00"),
                        f.clock.instant().minusSeconds(60))));
        DomainException pending = assertThrows(DomainException.class,
                () -> f.refunds().refund(ADMIN, "waterstones", "R-9", refund("x", "1.00")));
        assertEquals("receipt_not_credited", pending.code());
        assertEquals(DomainException.Kind.REJECTED, pending.kind());
        assertEquals(75, f.ledger().account("rosa").coins());
    }

    @Test
    void refund_shouldReverseExactlyOnce_whenCrashedBeforeOrAfterItsOneWriteThenRetried() {
        // GIVEN a refund is one write: the reversal's transaction with the refund record and the refunded total
        f.credited("probe", "zara", "P-1", "40.00");
        CrashingDynamoDb counter = new CrashingDynamoDb(f.dynamo, Integer.MAX_VALUE);
        f.refunds(counter).refund(ZARA, "zara", "P-1", refund("r", "10.00"));
        assertEquals(1, counter.writes(), "record, total and reversal are one transaction");
        for (boolean afterTheWrite : new boolean[] {false, true}) {
            for (boolean byCleanup : new boolean[] {false, true}) {
                String user = "rc-" + (afterTheWrite ? "after" : "before") + (byCleanup ? "-c" : "-r");
                String receipt = "R-" + (afterTheWrite ? "a" : "b") + (byCleanup ? "c" : "r");
                f.credited(user, "zara", receipt, "40.00"); // 40 coins, 40 XP
                // WHEN the refund of a quarter dies right before its transaction is sent, or right after it applied
                ReceiptRefunds dying = f.refunds(afterTheWrite ? new CrashingDynamoDb(f.dynamo, 1)
                        : CrashingDynamoDb.beforeWrite(f.dynamo, 1));
                assertThrows(CrashingDynamoDb.Crash.class, () -> dying.refund(ZARA, "zara", receipt, refund("r", "10.00")));
                // THEN nothing or everything happened: no half-made refund for anyone to finish
                assertEquals(afterTheWrite ? 30 : 40, f.ledger().account(user).coins(), user);
                // AND the cleanup job finds nothing to do, then the store's retry (at once: there is no lease) gets it
                if (byCleanup) {
                    assertEquals(0, f.cleanup().run(100).failed(), user);
                }
                ReceiptRefund retried = f.refunds().refund(ZARA, "zara", receipt, refund("r", "10.00"));
                assertEquals(10, retried.coinsReversed(), user);
                assertEquals(afterTheWrite, retried.replayed(), user);
                // THEN a quarter is reversed exactly once, and a repeat is a replay
                assertEquals(30, f.ledger().account(user).coins(), user);
                assertEquals(30, f.ledger().account(user).xp(), user);
                assertEquals(1, f.activity(user, CreditKind.RECEIPT_REFUND).size(), user);
                assertTrue(f.refunds().refund(ZARA, "zara", receipt, refund("r", "10.00")).replayed(), user);
                assertEquals(new BigDecimal("0.00"), f.refunds().refund(ZARA, "zara", receipt, refund("r2", "30.00")).refundable(), user);
                assertEquals(0, f.ledger().account(user).coins(), user);
                f.assertBalanceEqualsActivity(user);
            }
        }
    }

    @Test
    void request_shouldRefuseMalformedInput() {
        assertEquals("amount", assertThrows(DomainException.class, () -> refund("a", "0")).field());
        assertEquals("amount", assertThrows(DomainException.class, () -> refund("a", "1.001")).field());
        assertEquals("refundId", assertThrows(DomainException.class, () -> refund("a b", "1")).field());
        assertEquals("receiptId", assertThrows(DomainException.class,
                () -> f.refunds().refund(ADMIN, "nike", "a/b", refund("a", "1"))).field());
    }
}
