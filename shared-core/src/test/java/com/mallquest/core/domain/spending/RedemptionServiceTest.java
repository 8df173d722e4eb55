package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.dynamo.Attributes;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.CrashingDynamoDb;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Redemptions against moto_server: the chain, its refusals, its races and a crash after every write. */
class RedemptionServiceTest {

    private final SpendingFixture f = new SpendingFixture();

    private static RedemptionRequest request(String redemptionId, String rewardId) {
        return new RedemptionRequest(redemptionId, rewardId);
    }

    private static String code(RuntimeException e) {
        return ((DomainException) e).code();
    }

    @Test
    void redeem_shouldDebitOnceIssueCouponAndTakeStock_whenFirstRequested() {
        // GIVEN a shopper with 500 coins and a reward of 200 coins with 5 in stock
        f.fund("alice", 500, 0);
        f.reward("free-coffee", "starbucks", 200, 5L, null);
        // WHEN she redeems it
        Redemption r = f.redemptions().redeem("alice", request("rd-1", "free-coffee"));
        // THEN the coins are spent once, a coupon is issued and one unit of stock is gone
        assertFalse(r.replayed());
        assertEquals(200, r.coinsSpent());
        assertEquals(300, r.balance());
        assertTrue(r.couponCode().matches("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}"), r.couponCode());
        assertEquals(SpendingFixture.NOW.plus(Duration.ofDays(7)), r.expiresAt());
        assertEquals(300, f.ledger().account("alice").coins());
        assertEquals(4, f.remaining("free-coffee"));
        assertEquals(1, f.coupons("alice").size());
        List<ActivityEntry> debits = f.activity("alice", CreditKind.REDEMPTION);
        assertEquals(1, debits.size());
        assertEquals(-200, debits.get(0).coins());
        assertEquals("free-coffee", debits.get(0).details().get("rewardId"));
        f.assertBalanceEqualsActivity("alice");
        assertEquals("reward_redeemed", f.published.get(0).type());
        // AND nothing is left held on the reward
        assertNull(f.item(SpendingItems.rewardKey("free-coffee")).get(SpendingItems.HOLDS));
    }

    @Test
    void redeem_shouldReplayTheSameCoupon_whenRepeated_andRefuseAnotherRewardUnderTheSameId() {
        // GIVEN a completed redemption
        f.fund("bob", 1000, 0);
        f.reward("cinema-ticket", "cineworld", 300, null, null);
        f.reward("book-voucher", "waterstones", 100, null, null);
        Redemption first = f.redemptions().redeem("bob", request("rd-2", "cinema-ticket"));
        // WHEN the same request comes again
        Redemption again = f.redemptions().redeem("bob", request("rd-2", "cinema-ticket"));
        // THEN it is a replay of the same coupon, with nothing spent twice
        assertTrue(again.replayed());
        assertEquals(first.couponCode(), again.couponCode());
        assertEquals(first.balance(), again.balance());
        assertEquals(700, f.ledger().account("bob").coins());
        assertEquals(1, f.coupons("bob").size());
        // AND the same id with another reward is a conflict
        DomainException e = assertThrows(DomainException.class, () -> f.redemptions().redeem("bob", request("rd-2", "book-voucher")));
        assertEquals("redemption_details_differ", e.code());
        assertEquals(DomainException.Kind.CONFLICT, e.kind());
        assertEquals(700, f.ledger().account("bob").coins());
        // AND a repeat is still the replay once the balance no longer covers the price (the refusal never wins)
        f.redemptions().redeem("bob", request("rd-3", "cinema-ticket"));
        f.redemptions().redeem("bob", request("rd-4", "cinema-ticket"));
        assertEquals(100, f.ledger().account("bob").coins());
        Redemption late = f.redemptions().redeem("bob", request("rd-2", "cinema-ticket"));
        assertTrue(late.replayed());
        assertEquals(first.couponCode(), late.couponCode());
        assertEquals(first.couponCode(), f.redemptions().redeem("bob", request("rd-2", "cinema-ticket")).couponCode());
        assertEquals(3, f.coupons("bob").size());
        f.assertBalanceEqualsActivity("bob");
    }

    @Test
    void redeem_shouldRefuseWithItsOwnCode_andSpendNothing() {
        f.fund("carol", 150, 120); // level 2
        f.reward("cheap", "lush", 100, 0L, null);
        f.reward("pricey", "apple", 1000, null, null);
        f.reward("elite", "pandora", 10, null, null);
        f.catalogue().put(SpendingFixture.ADMIN, "elite", new RewardChange("Elite", null, "pandora", 10L, null, null, null, null, null, null, 5, 7, true, null));
        f.catalogue().put(SpendingFixture.ADMIN, "off", new RewardChange("Off", null, null, 10L, null, null, null, null, null, null, null, 7, false, null));
        f.catalogue().put(SpendingFixture.ADMIN, "later", new RewardChange("Later", null, null, 10L, null, null, null, null,
                SpendingFixture.NOW.plus(Duration.ofDays(1)), null, null, 7, true, null));
        f.reward("once", "boots", 10, null, 1);
        f.redemptions().redeem("carol", request("rd-once-1", "once"));
        RedemptionService s = f.redemptions();
        assertEquals("out_of_stock", code(assertThrows(DomainException.class, () -> s.redeem("carol", request("r1", "cheap")))));
        assertEquals("insufficient_balance", code(assertThrows(DomainException.class, () -> s.redeem("carol", request("r2", "pricey")))));
        assertEquals("level_too_low", code(assertThrows(DomainException.class, () -> s.redeem("carol", request("r3", "elite")))));
        assertEquals("reward_unavailable", code(assertThrows(DomainException.class, () -> s.redeem("carol", request("r4", "off")))));
        assertEquals("reward_unavailable", code(assertThrows(DomainException.class, () -> s.redeem("carol", request("r5", "later")))));
        assertEquals("unknown_reward", code(assertThrows(DomainException.class, () -> s.redeem("carol", request("r6", "nope")))));
        assertEquals("limit_reached", code(assertThrows(DomainException.class, () -> s.redeem("carol", request("r7", "once")))));
        // THEN only the one allowed redemption spent coins; stock is untouched; each refusal is 422
        assertEquals(140, f.ledger().account("carol").coins());
        assertEquals(0, f.remaining("cheap"));
        assertEquals(DomainException.Kind.REJECTED, assertThrows(DomainException.class, () -> s.redeem("carol", request("r1", "cheap"))).kind());
        // AND a repeat of a refused request gets the same refusal, even once the stock is back
        f.catalogue().put(SpendingFixture.ADMIN, "cheap", new RewardChange("Reward cheap", null, "lush", 100L, null, 3L, null, null, null, null, null, 7, null,
                f.catalogue().find("cheap").orElseThrow().version()));
        assertEquals("out_of_stock", code(assertThrows(DomainException.class, () -> s.redeem("carol", request("r1", "cheap")))));
        assertEquals(1, f.coupons("carol").size());
        f.assertBalanceEqualsActivity("carol");
    }

    @Test
    void redeem_shouldIssueExactlyTheStock_when50ShoppersRaceFor10() throws Exception {
        // GIVEN a reward with 10 in stock and 50 shoppers who can each afford it
        f.reward("lego-set", "lego", 50, 10L, null);
        for (int i = 0; i < 50; i++) {
            f.fund("racer-" + i, 100, 0);
        }
        // WHEN they all redeem at once
        List<Object> outcomes = Concurrently.run(50, i -> () -> f.redemptions().redeem("racer-" + i, request("race-" + i, "lego-set")));
        // THEN exactly 10 coupons exist, 10 debits, the rest refused out_of_stock, and the stock is 0
        long won = outcomes.stream().filter(o -> o instanceof Redemption).count();
        for (Object o : outcomes) {
            if (!(o instanceof Redemption)) {
                assertEquals("out_of_stock", code((RuntimeException) o), String.valueOf(o));
            }
        }
        assertEquals(10, won);
        assertEquals(10, f.coupons(null).size());
        assertEquals(0, f.remaining("lego-set"));
        long debited = 0;
        for (int i = 0; i < 50; i++) {
            debited += f.activity("racer-" + i, CreditKind.REDEMPTION).size();
            f.assertBalanceEqualsActivity("racer-" + i);
        }
        assertEquals(10, debited);
    }

    @Test
    void redeem_shouldSpendOnlyWhatTheBalanceCovers_when10RedemptionsRaceFor3() throws Exception {
        // GIVEN coins for exactly three redemptions
        f.fund("dave", 300, 0);
        f.reward("pastry", "starbucks", 100, null, null);
        // WHEN ten different redemptions are sent at once
        List<Object> outcomes = Concurrently.run(10, i -> () -> f.redemptions().redeem("dave", request("dave-" + i, "pastry")));
        // THEN exactly three succeed, the balance is 0 and never went negative
        assertEquals(3, outcomes.stream().filter(o -> o instanceof Redemption).count());
        for (Object o : outcomes) {
            if (o instanceof Redemption r) {
                assertTrue(r.balance() >= 0, "balance after a debit " + r.balance());
            } else {
                assertEquals("insufficient_balance", code((RuntimeException) o));
            }
        }
        assertEquals(0, f.ledger().account("dave").coins());
        assertEquals(3, f.coupons("dave").size());
        assertEquals(3, f.activity("dave", CreditKind.REDEMPTION).size());
        f.assertBalanceEqualsActivity("dave");
    }

    @Test
    void redeem_shouldDebitOnceAndAnswerEveryCopyWithTheCoupon_whenTheSameRedemptionIsSent10TimesAtOnce() throws Exception {
        // GIVEN a funded shopper and a reward with stock
        f.fund("erin", 1000, 0);
        f.reward("scarf", "uniqlo", 100, 20L, null);
        // WHEN the same redemption is sent ten times at once
        List<Object> outcomes = Concurrently.run(10, i -> () -> f.redemptions().redeem("erin", request("erin-1", "scarf")));
        // THEN every copy is answered with the one coupon (no in-progress state to wait for), one of them first
        Set<String> codes = new HashSet<>();
        int made = 0;
        for (Object o : outcomes) {
            if (!(o instanceof Redemption r)) {
                throw new AssertionError("a copy was not answered with the coupon: " + o);
            }
            codes.add(r.couponCode());
            made += r.replayed() ? 0 : 1;
        }
        assertEquals(1, codes.size());
        assertEquals(1, made);
        // AND one debit, one coupon, one unit of stock
        assertEquals(900, f.ledger().account("erin").coins());
        assertEquals(19, f.remaining("scarf"));
        assertEquals(1, f.coupons("erin").size());
        assertEquals(1, f.activity("erin", CreditKind.REDEMPTION).size());
    }

    @Test
    void redeem_shouldCompleteExactlyOnce_whenCrashedBeforeOrAfterItsOneWriteThenRetried() {
        // GIVEN a redemption with stock and a per-user limit is one write: the debit's transaction
        f.reward("hoodie", "nike", 100, 1000L, 5);
        f.fund("probe", 100, 0);
        CrashingDynamoDb counter = new CrashingDynamoDb(f.dynamo, Integer.MAX_VALUE);
        f.redemptions(counter).redeem("probe", request("probe-1", "hoodie"));
        assertEquals(1, counter.writes(), "record, coupon, stock, limit and debit are one transaction");
        long stock = f.remaining("hoodie");
        for (boolean afterTheWrite : new boolean[] {false, true}) {
            for (boolean byCleanup : new boolean[] {false, true}) {
                String user = "crash-" + (afterTheWrite ? "after" : "before") + (byCleanup ? "-cleanup" : "-retry");
                f.fund(user, 250, 0);
                // WHEN the process dies right before the transaction is sent, or right after it applied
                RedemptionService dying = f.redemptions(afterTheWrite ? new CrashingDynamoDb(f.dynamo, 1)
                        : CrashingDynamoDb.beforeWrite(f.dynamo, 1));
                assertThrows(CrashingDynamoDb.Crash.class, () -> dying.redeem(user, request("rd", "hoodie")));
                // THEN nothing or everything happened: no half-made redemption for anyone to finish
                assertEquals(afterTheWrite ? 150 : 250, f.ledger().account(user).coins(), user);
                assertEquals(afterTheWrite ? 1 : 0, f.coupons(user).size(), user);
                // AND the cleanup job finds nothing to do, then the client's retry (at once: there is no lease) gets it
                if (byCleanup) {
                    assertEquals(0, f.cleanup().run(100).failed(), user);
                }
                Redemption retried = f.redemptions().redeem(user, request("rd", "hoodie"));
                assertEquals(150, retried.balance(), user);
                assertEquals(afterTheWrite, retried.replayed(), user);
                // THEN exactly one debit, one coupon, one unit of stock, one use of the allowance
                stock--;
                assertEquals(150, f.ledger().account(user).coins(), user);
                assertEquals(1, f.activity(user, CreditKind.REDEMPTION).size(), user);
                assertEquals(1, f.coupons(user).size(), user);
                assertEquals(stock, f.remaining("hoodie"), user);
                assertEquals(1, Attributes.number(f.item(SpendingItems.limitKey(user, "hoodie")), SpendingItems.USED), user);
                f.assertBalanceEqualsActivity(user);
                // AND the same request again is a replay of the one coupon
                Redemption replay = f.redemptions().redeem(user, request("rd", "hoodie"));
                assertTrue(replay.replayed(), user);
                assertEquals(f.coupons(user).get(0).get("couponCode").s(), replay.couponCode(), user);
                assertEquals(retried.couponCode(), replay.couponCode(), user);
            }
        }
    }

    @Test
    void redeem_shouldLeaveStockAndAllowanceUntouched_whenTheDebitIsRefused() {
        // GIVEN a redemption that died before its transaction was sent (replaces the lease protocol's compensation:
        // nothing is taken before the debit, so nothing needs giving back)
        f.reward("watch", "pandora", 200, 3L, 2);
        f.fund("frank", 200, 0);
        RedemptionService dying = f.redemptions(CrashingDynamoDb.beforeWrite(f.dynamo, 1));
        assertThrows(CrashingDynamoDb.Crash.class, () -> dying.redeem("frank", request("rd-w", "watch")));
        assertEquals(3, f.remaining("watch"));
        // AND meanwhile the coins went on another reward
        f.reward("other", null, 150, null, null);
        f.redemptions().redeem("frank", request("rd-o", "other"));
        // WHEN the same redemption is retried
        DomainException refused = assertThrows(DomainException.class, () -> f.redemptions().redeem("frank", request("rd-w", "watch")));
        // THEN it is refused, and stock and allowance were never taken
        assertEquals("insufficient_balance", refused.code());
        assertEquals(3, f.remaining("watch"));
        assertTrue(f.item(SpendingItems.limitKey("frank", "watch")).isEmpty());
        assertEquals(50, f.ledger().account("frank").coins());
        assertEquals(1, f.coupons("frank").size());
        f.assertBalanceEqualsActivity("frank");
        // AND its refusal is final for that id, even once the coins are back
        f.fund("frank", 1000, 0);
        assertEquals("insufficient_balance", code(assertThrows(DomainException.class,
                () -> f.redemptions().redeem("frank", request("rd-w", "watch")))));
        assertEquals(3, f.remaining("watch"));
    }

    @Test
    void redeem_shouldAnswerTheCoupon_whenRetriedAtOnceAfterACrashAfterTheWrite() {
        // GIVEN a redemption whose process died right after its transaction applied (formerly: a live lease made
        // the retry wait and answer redemption_in_progress)
        f.reward("mug", "starbucks", 10, null, null);
        f.fund("gina", 100, 0);
        RedemptionService dying = f.redemptions(new CrashingDynamoDb(f.dynamo, 1));
        assertThrows(CrashingDynamoDb.Crash.class, () -> dying.redeem("gina", request("rd-m", "mug")));
        // WHEN the client retries at once, no time having passed
        Redemption retried = f.redemptions().redeem("gina", request("rd-m", "mug"));
        // THEN it gets the one coupon, spent once
        assertTrue(retried.replayed());
        assertEquals(90, retried.balance());
        assertEquals(90, f.ledger().account("gina").coins());
        assertEquals(retried.couponCode(), f.coupons("gina").get(0).get("couponCode").s());
    }

    @Test
    void list_shouldPageCompletedRedemptionsNewestFirst() {
        f.reward("sticker", null, 1, null, null);
        f.fund("hank", 10, 0);
        for (int i = 0; i < 5; i++) {
            f.redemptions().redeem("hank", request("h-" + i, "sticker"));
            f.clock.advance(Duration.ofSeconds(1));
        }
        RedemptionPage first = f.redemptions().list("hank", 3, null);
        assertEquals(List.of("h-4", "h-3", "h-2"), first.redemptions().stream().map(Redemption::redemptionId).toList());
        RedemptionPage second = f.redemptions().list("hank", 3, first.nextCursor());
        assertEquals(List.of("h-1", "h-0"), second.redemptions().stream().map(Redemption::redemptionId).toList());
        assertEquals(0, f.redemptions().list("nobody", 3, null).redemptions().size());
        assertEquals("invalid_cursor", assertThrows(DomainException.class, () -> f.redemptions().list("hank", 3, "garbage")).code());
        if (second.nextCursor() != null) {
            assertEquals(0, f.redemptions().list("hank", 3, second.nextCursor()).redemptions().size());
        }
        Instant unused = Instant.EPOCH;
        assertNotNull(unused);
    }

    @Test
    void request_shouldRefuseMalformedIds() {
        for (String bad : new String[] {"", "a b", "x".repeat(65), "é"}) {
            try {
                new RedemptionRequest(bad, "free-coffee");
                fail("accepted redemptionId '" + bad + "'");
            } catch (DomainException e) {
                assertEquals("redemptionId", e.field());
            }
        }
        assertEquals("rewardId", assertThrows(DomainException.class, () -> new RedemptionRequest("ok", "Bad Id")).field());
    }
}
