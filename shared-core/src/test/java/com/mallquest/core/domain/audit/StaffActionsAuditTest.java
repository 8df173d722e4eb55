package com.mallquest.core.domain.audit;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.admin.Adjustment;
import com.mallquest.core.domain.admin.AdjustmentBatch;
import com.mallquest.core.domain.admin.AdjustmentResult;
import com.mallquest.core.domain.admin.BatchAdjustments;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.receipts.ReceiptRequest;
import com.mallquest.core.domain.receipts.ReceiptReviews;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.domain.spending.RedemptionRequest;
import com.mallquest.core.domain.spending.RefundRequest;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.domain.spending.RewardChange;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every staff action that moves coins, receipts, rewards or coupons leaves one audit entry with its change, and none
 * when the change is refused: review decisions, reward changes, balance adjustments, coupons accepted, refunds (on moto_server,
 * fresh tables with the seeded stores).
 */
class StaffActionsAuditTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Caller ADMIN = new Caller("op-1", Set.of(Caller.ADMIN_GROUP));
    private static final Caller WATERSTONES_MANAGER = new Caller("ws-m", Set.of(Caller.STORE_MANAGER_GROUP), "waterstones");
    private static final Caller STARBUCKS_CASHIER = new Caller("barista-1", Set.of(Caller.STORE_STAFF_GROUP), "starbucks");
    private static final Caller NIKE_CASHIER = new Caller("nike-1", Set.of(Caller.STORE_STAFF_GROUP), "nike");

    private final TestStack cores = TestStack.seeded("audit", NOW, Map.of());
    private final Services services = new Services(cores.core(), (u, t, d) -> { });

    private List<AuditEntry> entries(AuditAction action) {
        return services.auditTrail().page(ADMIN, null, null, null, null, 100, null).entries().stream()
                .filter(e -> e.action() == action).toList();
    }

    private void submitUnsigned(String userId, String receiptId) {
        services.receipts().submit(userId, ReceiptRequest.unsigned(new ReceiptSubmission(receiptId, "waterstones",
                new BigDecimal("20.00"), NOW.minusSeconds(3600))));
    }

    private void fund(String userId, long coins) {
        services.ledger().credit(new Credit(userId, "adj:fund-" + userId, coins, 0, CreditKind.ADJUSTMENT, Map.of("reason", "test funds")));
    }

    @Test
    void reviewDecision_shouldLeaveOneEntry_whenApplied_andNoneWhenRefused() {
        // GIVEN two unsigned waterstones receipts of alice waiting for review, and one of the manager's own
        submitUnsigned("alice", "W-1");
        submitUnsigned("alice", "W-2");
        submitUnsigned("ws-m", "W-3");
        ReceiptReviews reviews = services.reviews();
        // WHEN the manager approves W-1 (twice: the second is a replay) and rejects W-2, and tries to approve W-3
        reviews.approve(WATERSTONES_MANAGER, "waterstones", "W-1");
        assertTrue(reviews.approve(WATERSTONES_MANAGER, "waterstones", "W-1").replayed());
        reviews.reject(WATERSTONES_MANAGER, "waterstones", "W-2", new ReceiptReviews.Rejection("Another shop's receipt"));
        assertEquals("own_receipt", assertThrows(DomainException.class,
                () -> reviews.approve(WATERSTONES_MANAGER, "waterstones", "W-3")).code());
        // AND rejects the approved W-1 (refused: it was approved)
        assertEquals("receipt_already_approved", assertThrows(DomainException.class, () -> reviews.reject(
                WATERSTONES_MANAGER, "waterstones", "W-1", new ReceiptReviews.Rejection("too late"))).code());
        // THEN one approval and one rejection are in the trail, with who, the store, the target, before and after
        List<AuditEntry> approved = entries(AuditAction.RECEIPT_APPROVED);
        assertEquals(1, approved.size(), approved.toString());
        assertEquals("ws-m", approved.get(0).actorId());
        assertEquals("store-manager", approved.get(0).actorRole());
        assertEquals("waterstones", approved.get(0).storeId());
        assertEquals("receipt:waterstones/W-1", approved.get(0).target());
        assertTrue(approved.get(0).before().contains("\"pending_review\""), approved.get(0).before());
        assertTrue(approved.get(0).after().contains("\"approved\""), approved.get(0).after());
        List<AuditEntry> rejected = entries(AuditAction.RECEIPT_REJECTED);
        assertEquals(1, rejected.size(), rejected.toString());
        assertEquals("receipt:waterstones/W-2", rejected.get(0).target());
        assertTrue(rejected.get(0).after().contains("Another shop's receipt"), rejected.get(0).after());
        // AND nothing about W-3, which nobody decided
        assertTrue(services.auditTrail().page(ADMIN, null, null, null, null, 100, null).entries().stream()
                .noneMatch(e -> e.target().endsWith("/W-3")));
    }

    @Test
    void rewardChange_shouldLeaveOneEntry_whenApplied_andNoneWhenRefused() {
        // GIVEN a reward created by an admin, 10 in stock
        RewardChange create = new RewardChange("Mug", null, "starbucks", 40L, 10L, null, null, null, null, null, null, 30, null, null);
        long version = services.rewards().put(ADMIN, "mug", create).reward().version();
        // WHEN 5 are added from its version, then 3 from the same, now stale, version, and a cashier tries a change
        RewardChange add = new RewardChange("Mug", null, "starbucks", 40L, null, 5L, null, null, null, null, null, 30, null, version);
        services.rewards().put(ADMIN, "mug", add);
        RewardChange stale = new RewardChange("Mug", null, "starbucks", 40L, null, 3L, null, null, null, null, null, 30, null, version);
        assertEquals("reward_changed", assertThrows(DomainException.class, () -> services.rewards().put(ADMIN, "mug", stale)).code());
        assertEquals("forbidden", assertThrows(DomainException.class,
                () -> services.rewards().put(STARBUCKS_CASHIER, "mug", create)).code());
        // AND the admin's client repeats the applied change (a retry): the same answer, nothing added
        services.rewards().put(ADMIN, "mug", add);
        // THEN two entries: the creation (no before) and the change (before: 10 in stock)
        List<AuditEntry> changed = entries(AuditAction.REWARD_CHANGED);
        assertEquals(2, changed.size(), changed.toString());
        AuditEntry creation = changed.stream().filter(e -> e.before() == null).findFirst().orElseThrow();
        AuditEntry stock = changed.stream().filter(e -> e.before() != null).findFirst().orElseThrow();
        assertEquals("reward:mug", creation.target());
        assertEquals("op-1", creation.actorId());
        assertEquals("starbucks", creation.storeId());
        assertTrue(stock.before().contains("\"remaining\":10"), stock.before());
        assertTrue(stock.after().contains("\"stockDelta\":5"), stock.after());
        assertEquals(15, services.rewards().find("mug").orElseThrow().remaining());
    }

    @Test
    void balanceAdjustment_shouldLeaveOneEntry_whenApplied_andNoneWhenRefusedOrReplayed() {
        // GIVEN bob with 100 coins
        fund("bob", 100);
        BatchAdjustments adjustments = new BatchAdjustments(services.ledger(), cores.core().settings().auditTable(), 2);
        // WHEN an admin gives 50 (sent twice: the second a replay) and takes 500 (refused: not enough coins)
        AdjustmentBatch batch = new AdjustmentBatch(List.of(new Adjustment("goodwill-1", "bob", 50L, 0L, "goodwill")));
        assertEquals(AdjustmentResult.APPLIED, adjustments.apply(batch, ADMIN).results().get(0).status());
        assertEquals(AdjustmentResult.REPLAYED, adjustments.apply(batch, ADMIN).results().get(0).status());
        AdjustmentResult refused = adjustments.apply(new AdjustmentBatch(List.of(new Adjustment("take-1", "bob", -500L, 0L,
                "correction"))), ADMIN).results().get(0);
        assertEquals("insufficient_balance", refused.error().code());
        // THEN one entry: mall-wide, on bob, 100 -> 150 coins
        List<AuditEntry> adjusted = entries(AuditAction.BALANCE_ADJUSTED);
        assertEquals(1, adjusted.size(), adjusted.toString());
        assertEquals("user:bob", adjusted.get(0).target());
        assertEquals("op-1", adjusted.get(0).actorId());
        assertEquals("admin", adjusted.get(0).actorRole());
        assertNull(adjusted.get(0).storeId());
        assertTrue(adjusted.get(0).before().contains("\"coins\":100"), adjusted.get(0).before());
        assertTrue(adjusted.get(0).after().contains("\"coins\":150"), adjusted.get(0).after());
    }

    @Test
    void couponAccepted_shouldLeaveOneEntry_whenApplied_andNoneWhenRefused() {
        // GIVEN ivy's coupon for a Starbucks reward
        fund("ivy", 500);
        services.rewards().put(ADMIN, "latte", new RewardChange("Latte", null, "starbucks", 100L, 10L, null, null, null,
                null, null, null, 7, null, null));
        String code = services.redemptions().redeem("ivy", new RedemptionRequest("i-1", "latte")).couponCode();
        // WHEN a Nike cashier tries it (403), the Starbucks cashier accepts it, and an admin tries it again (409)
        assertEquals("not_your_store", assertThrows(DomainException.class, () -> services.coupons().use(NIKE_CASHIER, code)).code());
        services.coupons().use(STARBUCKS_CASHIER, code);
        assertEquals("coupon_already_used", assertThrows(DomainException.class, () -> services.coupons().use(ADMIN, code)).code());
        // THEN one entry, by the cashier, naming the shopper and redemption but never the code
        List<AuditEntry> accepted = entries(AuditAction.COUPON_ACCEPTED);
        assertEquals(1, accepted.size(), accepted.toString());
        assertEquals("barista-1", accepted.get(0).actorId());
        assertEquals("store-staff", accepted.get(0).actorRole());
        assertEquals("starbucks", accepted.get(0).storeId());
        assertEquals("coupon:ivy/i-1", accepted.get(0).target());
        String written = accepted.get(0).toString();
        assertFalse(written.contains(code) || written.contains(code.replace("-", "")), written);
    }

    @Test
    void refund_shouldLeaveOneEntry_whenApplied_andNoneWhenRefusedOrReplayed() {
        // GIVEN kim's credited receipt of 20.00 at Nike, and Nike's manager
        Caller nikeManager = new Caller("nike-m", Set.of(Caller.STORE_MANAGER_GROUP), "nike");
        services.receipts().submit("kim", ReceiptCodes.signed(new ReceiptSubmission("N-9", "nike", new BigDecimal("20.00"),
                NOW.minusSeconds(3600))));
        // WHEN the manager refunds 5.00 (sent twice: the second a replay), then 50.00 (refused: more than the purchase)
        RefundRequest five = new RefundRequest("ret-1", new BigDecimal("5.00"));
        assertFalse(services.refunds().refund(nikeManager, "nike", "N-9", five).replayed());
        assertTrue(services.refunds().refund(nikeManager, "nike", "N-9", five).replayed());
        assertEquals("refund_exceeds_purchase", assertThrows(DomainException.class, () -> services.refunds().refund(nikeManager,
                "nike", "N-9", new RefundRequest("ret-2", new BigDecimal("50.00")))).code());
        // THEN one entry, by the manager, on the receipt: 0.00 -> 5.00 refunded
        List<AuditEntry> refunded = entries(AuditAction.RECEIPT_REFUNDED);
        assertEquals(1, refunded.size(), refunded.toString());
        assertEquals("nike-m", refunded.get(0).actorId());
        assertEquals("store-manager", refunded.get(0).actorRole());
        assertEquals("nike", refunded.get(0).storeId());
        assertEquals("receipt:nike/N-9", refunded.get(0).target());
        assertTrue(refunded.get(0).before().contains("\"refunded\":\"0.00\""), refunded.get(0).before());
        assertTrue(refunded.get(0).after().contains("\"refunded\":\"5.00\""), refunded.get(0).after());
    }
}
