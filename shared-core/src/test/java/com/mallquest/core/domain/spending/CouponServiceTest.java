package com.mallquest.core.domain.spending;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.testing.PausingDynamoDb;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Coupons against moto_server: who may see and use one, using it once, and refunding the expired ones once. */
class CouponServiceTest {

    private static final Caller ADMIN = new Caller("admin-1", Set.of("admin"));
    private static final Caller STARBUCKS = new Caller("barista-1", Set.of("store-staff"), "starbucks");
    private static final Caller NIKE = new Caller("nike-1", Set.of("store-staff"), "nike");
    private static final Caller SHOPPER = new Caller("ivy", Set.of());

    private final SpendingFixture f = new SpendingFixture();

    private Redemption redeem(String userId, String rewardId, String redemptionId) {
        return f.redemptions().redeem(userId, new RedemptionRequest(redemptionId, rewardId));
    }

    private static DomainException refusal(Runnable call) {
        return assertThrows(DomainException.class, call::run);
    }

    @Test
    void use_shouldAcceptOnce_forItsStoreStaffOrAnAdmin() {
        // GIVEN a coupon of a Starbucks reward
        f.fund("ivy", 500, 0);
        f.reward("latte", "starbucks", 100, 10L, null);
        String code = redeem("ivy", "latte", "i-1").couponCode();
        // WHEN another store's staff or the shopper tries it: 403, and the coupon stays unused
        assertEquals(DomainException.Kind.FORBIDDEN, refusal(() -> f.coupons().use(NIKE, code)).kind());
        assertEquals(DomainException.Kind.FORBIDDEN, refusal(() -> f.coupons().use(SHOPPER, code)).kind());
        assertEquals("issued", f.coupons().find(STARBUCKS, code).state());
        // AND the barista accepts it (typed in lower case without hyphens)
        CouponView used = f.coupons().use(STARBUCKS, code.replace("-", "").toLowerCase());
        assertEquals("used", used.state());
        assertEquals(SpendingFixture.NOW, used.usedAt());
        assertTrue(f.published.stream().anyMatch(p -> p.type().equals("coupon_used") && p.userId().equals("ivy")));
        // THEN a second use, even by an admin, is 409 with when it was used
        DomainException again = refusal(() -> f.coupons().use(ADMIN, code));
        assertEquals("coupon_already_used", again.code());
        assertEquals(DomainException.Kind.CONFLICT, again.kind());
        assertEquals(SpendingFixture.NOW.toString(), again.details().get("usedAt"));
        assertEquals("used", f.coupons().find(ADMIN, code).state());
        // AND the shopper's list shows it used
        assertEquals("used", f.redemptions().list("ivy", 10, null).redemptions().get(0).couponState());
    }

    @Test
    void find_shouldAnswerNotFoundAlike_forUnknownAndMalformedCodes() {
        for (String code : new String[] {"0000-0000-0000-0000", "not a code", "", "UUUU-UUUU-UUUU-UUUU", "x".repeat(100)}) {
            DomainException e = refusal(() -> f.coupons().find(ADMIN, code));
            assertEquals("coupon_not_found", e.code(), code);
            assertEquals(DomainException.Kind.NOT_FOUND, e.kind());
            assertEquals("There is no such coupon", e.getMessage());
            assertEquals("coupon_not_found", refusal(() -> f.coupons().use(STARBUCKS, code)).code());
        }
    }

    @Test
    void use_shouldRefuseMallWideCouponsToStoreStaff_andAcceptThemForAdmins() {
        f.fund("jack", 100, 0);
        f.reward("parking", null, 20, null, null);
        String code = redeem("jack", "parking", "j-1").couponCode();
        assertEquals("not_your_store", refusal(() -> f.coupons().use(STARBUCKS, code)).code());
        assertEquals("used", f.coupons().use(ADMIN, code).state());
    }

    @Test
    void use_shouldBeGone_afterExpiry_andTheCleanupRefundsItOnce() {
        // GIVEN a coupon valid 7 days, bought for 100 coins out of 300, one of 5 in stock
        f.fund("kate", 300, 0);
        f.reward("tote", "hm", 100, 5L, null);
        String code = redeem("kate", "tote", "k-1").couponCode();
        String usedCode = redeem("kate", "tote", "k-2").couponCode();
        f.coupons().use(new Caller("hm-1", Set.of("store-staff"), "hm"), usedCode);
        assertEquals(3, f.remaining("tote"));
        assertEquals(100, f.ledger().account("kate").coins());
        // WHEN its validity has passed
        f.clock.advance(Duration.ofDays(7));
        Caller hm = new Caller("hm-1", Set.of("store-staff"), "hm");
        DomainException gone = refusal(() -> f.coupons().use(hm, code));
        assertEquals("coupon_expired", gone.code());
        assertEquals(DomainException.Kind.GONE, gone.kind());
        assertEquals("expired", f.coupons().find(hm, code).state());
        // AND the cleanup job runs, twice
        SpendingCleanup.Result first = f.cleanup().run(100);
        SpendingCleanup.Result second = f.cleanup().run(100);
        // THEN the unused coupon's coins and stock are back exactly once; the used one is untouched
        assertEquals(1, first.couponsRefunded());
        assertEquals(100, first.coinsRefunded());
        assertEquals(0, second.couponsRefunded());
        assertEquals(0, second.visited());
        assertEquals(200, f.ledger().account("kate").coins());
        assertEquals(4, f.remaining("tote"));
        assertEquals(1, f.activity("kate", CreditKind.REDEMPTION_REFUND).size());
        assertEquals("refunded", f.coupons().find(hm, code).state());
        assertEquals("used", f.coupons().find(hm, usedCode).state());
        assertEquals("coupon_expired", refusal(() -> f.coupons().use(hm, code)).code());
        f.assertBalanceEqualsActivity("kate");
    }

    @Test
    void refundExpired_shouldNotRefund_aCouponUsedAfterTheCleanupReadIt() {
        // GIVEN a coupon the cleanup job read as unused (a due-index snapshot) ...
        f.fund("mona", 100, 0);
        f.reward("ring", "pandora", 100, 2L, null);
        String code = redeem("mona", "ring", "m-1").couponCode();
        Map<String, AttributeValue> snapshot = f.coupons("mona").get(0);
        // ... that the store accepts a moment before its expiry (clocks of two containers differ)
        f.clock.advance(Duration.ofDays(7).minusMillis(1));
        f.coupons().use(new Caller("pandora-1", Set.of("store-staff"), "pandora"), code);
        // WHEN the cleanup, past the expiry by its own clock, refunds from its stale read
        f.clock.advance(Duration.ofMillis(2));
        long back = f.coupons().refundExpired(snapshot);
        // THEN nothing comes back: a coupon is either used or refunded, never both
        assertEquals(0, back);
        assertEquals(0, f.ledger().account("mona").coins());
        assertEquals(1, f.remaining("ring"));
        assertEquals("USED", f.coupons("mona").get(0).get("state").s());
    }

    @Test
    void refundExpired_shouldGiveBackExactlyOnce_whenCrashedAfterEachWrite() {
        f.reward("cap", "nike", 40, 100L, null);
        // GIVEN how many writes one refund makes
        f.fund("probe", 40, 0);
        redeem("probe", "cap", "p-1");
        f.clock.advance(Duration.ofDays(8));
        Map<String, AttributeValue> probe = f.coupons("probe").get(0);
        CrashingDynamoDb counter = new CrashingDynamoDb(f.dynamo, Integer.MAX_VALUE);
        CouponService counting = new Services(f.core(counter), f.effects).coupons();
        assertEquals(40, counting.refundExpired(probe));
        int writes = counter.writes();
        assertTrue(writes >= 5, "refunding, ledger (one transaction), stock, refunded, settle: made " + writes);
        long stock = f.remaining("cap");
        for (int crashAfter = 1; crashAfter <= writes; crashAfter++) {
            String user = "exp-" + crashAfter;
            f.fund(user, 40, 0);
            redeem(user, "cap", "c-1");
            f.clock.advance(Duration.ofDays(8));
            Map<String, AttributeValue> coupon = f.coupons(user).get(0);
            // WHEN the refund dies right after write crashAfter, and the next cleanup runs
            CouponService dying = new Services(f.core(new CrashingDynamoDb(f.dynamo, crashAfter)), f.effects).coupons();
            assertThrows(CrashingDynamoDb.Crash.class, () -> dying.refundExpired(coupon));
            f.clock.advance(Duration.ofMinutes(5)); // the next scheduled run, past the ledger's lease
            f.cleanup().run(100);
            f.cleanup().run(100);
            // THEN coins and stock came back exactly once
            assertEquals(40, f.ledger().account(user).coins(), user);
            assertEquals(1, f.activity(user, CreditKind.REDEMPTION_REFUND).size(), user);
            assertEquals(stock, f.remaining("cap"), user);
            assertEquals("REFUNDED", f.coupons(user).get(0).get("state").s(), user);
            assertFalse(f.coupons(user).get(0).containsKey("dueAt"), user);
            f.assertBalanceEqualsActivity(user);
        }
    }

    @Test
    void cleanup_shouldReturnStockExactlyOnce_whenTwoRunsOverlapOnTheSameExpiredCoupons() throws Exception {
        // GIVEN 3 expired coupons of a reward that had 10 in stock (7 left)
        f.reward("mug", "zara", 10, 10L, null);
        f.fund("olga", 30, 0);
        for (int i = 0; i < 3; i++) {
            redeem("olga", "mug", "o-" + i);
        }
        assertEquals(7, f.remaining("mug"));
        f.clock.advance(Duration.ofDays(8));
        // AND run A, which stalls right before it gives its first coupon's unit of stock back (a frozen container)
        PausingDynamoDb pausing = new PausingDynamoDb(f.dynamo, r -> r instanceof UpdateItemRequest u
                && u.key().equals(SpendingItems.rewardKey("mug")) && u.updateExpression().startsWith("ADD"));
        CompletableFuture<SpendingCleanup.Result> a = CompletableFuture.supplyAsync(
                () -> new Services(f.core(pausing.client()), f.effects).spendingCleanup().run(100));
        assertTrue(pausing.awaitPaused(30_000), "run A reached its stock return");
        // WHEN run B (the lock fell back to per-container memory) goes over the same coupons meanwhile
        SpendingCleanup.Result b = f.cleanup().run(100);
        // AND then A wakes up and goes on
        pausing.release();
        SpendingCleanup.Result resumed = a.get(30, TimeUnit.SECONDS);
        // THEN each coupon's coins and stock came back exactly once
        assertEquals(10, f.remaining("mug"), b + " / " + resumed);
        assertEquals(3, b.couponsRefunded() + resumed.couponsRefunded(), b + " / " + resumed);
        assertEquals(30, f.ledger().account("olga").coins());
        assertEquals(3, f.activity("olga", CreditKind.REDEMPTION_REFUND).size());
        f.coupons("olga").forEach(c -> assertEquals("REFUNDED", c.get("state").s()));
        // AND a third run finds nothing left to do
        assertEquals(0, f.cleanup().run(100).visited());
        assertEquals(10, f.remaining("mug"));
        f.assertBalanceEqualsActivity("olga");
    }

    @Test
    void refundExpired_shouldReturnTheStock_whenTheRunThatClaimedItDiedAndItsLeasePassed() {
        // GIVEN a run that marked a coupon's stock return as its own and died right then
        f.reward("pin", "zara", 5, 3L, null);
        f.fund("pia", 5, 0);
        redeem("pia", "pin", "p-1");
        f.clock.advance(Duration.ofDays(8));
        Map<String, AttributeValue> coupon = f.coupons("pia").get(0);
        CouponService dying = new Services(f.core(new CrashingDynamoDb(f.dynamo, 2)), f.effects).coupons(); // REFUNDING, then the mark
        assertThrows(CrashingDynamoDb.Crash.class, () -> dying.refundExpired(coupon));
        assertTrue(f.coupons("pia").get(0).containsKey(SpendingItems.STOCK_RETURNED));
        // WHEN another run comes within the lease THEN it leaves the coupon to its claimant
        assertEquals(0, f.coupons().refundExpired(f.coupons("pia").get(0)));
        assertEquals(2, f.remaining("pin"));
        // AND once the lease passed, a run takes the claim over and finishes it, once
        f.clock.advance(CouponService.STOCK_RETURN_LEASE);
        assertEquals(5, f.coupons().refundExpired(f.coupons("pia").get(0)));
        assertEquals(0, f.coupons().refundExpired(f.coupons("pia").get(0)));
        assertEquals(3, f.remaining("pin"));
        assertEquals(5, f.ledger().account("pia").coins());
        assertEquals("REFUNDED", f.coupons("pia").get(0).get("state").s());
    }

    @Test
    void cleanup_shouldRefundAtMostItsBoundPerRun() {
        f.reward("gum", null, 1, null, null);
        f.fund("lena", 10, 0);
        for (int i = 0; i < 3; i++) {
            redeem("lena", "gum", "l-" + i);
        }
        f.clock.advance(Duration.ofDays(8));
        SpendingCleanup.Result first = f.cleanup().run(2);
        assertEquals(2, first.couponsRefunded());
        assertTrue(first.moreDue());
        SpendingCleanup.Result second = f.cleanup().run(2);
        assertEquals(1, second.couponsRefunded());
        assertFalse(second.moreDue());
        assertEquals(10, f.ledger().account("lena").coins());
    }
}
