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
    }

    @Test
    void redeem_shouldRefuseWithItsOwnCode_andSpendNothing() {
        f.fund("carol", 150, 120); // level 2
        f.reward("cheap", "lush", 100, 0L, null);
        f.reward("pricey", "apple", 1000, null, null);
        f.reward("elite", "pandora", 10, null, null);
        f.catalogue().put("elite", new RewardChange("Elite", null, "pandora", 10L, null, null, null, null, null, null, 5, 7, true, null));
        f.catalogue().put("off", new RewardChange("Off", null, null, 10L, null, null, null, null, null, null, null, 7, false, null));
        f.catalogue().put("later", new RewardChange("Later", null, null, 10L, null, null, null, null,
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
        f.catalogue().put("cheap", new RewardChange("Reward cheap", null, "lush", 100L, null, 3L, null, null, null, null, null, 7, null,
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
    void redeem_shouldDebitOnce_whenTheSameRedemptionIsSent10TimesAtOnce() throws Exception {
        f.fund("erin", 1000, 0);
        f.reward("scarf", "uniqlo", 100, 20L, null);
        List<Object> outcomes = Concurrently.run(10, i -> () -> f.redemptions().redeem("erin", request("erin-1", "scarf")));
        Set<String> codes = new HashSet<>();
        for (Object o : outcomes) {
            if (o instanceof Redemption r) {
                codes.add(r.couponCode());
            } else {
                assertEquals("redemption_in_progress", code((RuntimeException) o), String.valueOf(o));
            }
        }
        assertEquals(1, codes.size());
        assertEquals(900, f.ledger().account("erin").coins());
        assertEquals(19, f.remaining("scarf"));
        assertEquals(1, f.coupons("erin").size());
        assertEquals(1, f.activity("erin", CreditKind.REDEMPTION).size());
    }

    @Test
    void redeem_shouldCompleteExactlyOnce_whenCrashedAfterEachWriteThenRetriedOrCleanedUp() {
        // GIVEN the number of writes one redemption with stock and a per-user limit makes
        f.reward("hoodie", "nike", 100, 1000L, 5);
        f.fund("probe", 100, 0);
        CrashingDynamoDb counter = new CrashingDynamoDb(f.dynamo, Integer.MAX_VALUE);
        f.redemptions(counter).redeem("probe", request("probe-1", "hoodie"));
        int writes = counter.writes();
        assertTrue(writes >= 8, "record, limit, stock, ledger (one transaction), coupon, complete, settle: made " + writes);
        long stock = f.remaining("hoodie");
        for (int crashAfter = 1; crashAfter <= writes; crashAfter++) {
            for (boolean byCleanup : new boolean[] {false, true}) {
                String user = "crash-" + crashAfter + (byCleanup ? "-cleanup" : "-retry");
                f.fund(user, 250, 0);
                // WHEN the process dies right after write number crashAfter
                RedemptionService dying = f.redemptions(new CrashingDynamoDb(f.dynamo, crashAfter));
                assertThrows(CrashingDynamoDb.Crash.class, () -> dying.redeem(user, request("rd", "hoodie")));
                // AND later than the lease the client retries, or the cleanup job runs
                f.clock.advance(Duration.ofMinutes(3));
                if (byCleanup) {
                    f.cleanup().run(100);
                } else {
                    Redemption retried = f.redemptions().redeem(user, request("rd", "hoodie"));
                    assertEquals(150, retried.balance(), user);
                }
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
            }
        }
    }

    @Test
    void resume_shouldReturnStockAndAllowance_whenTheDebitIsRefusedAfterACrash() {
        // GIVEN a redemption that died after taking the stock (write 3: record, limit, stock)
        f.reward("watch", "pandora", 200, 3L, 2);
        f.fund("frank", 200, 0);
        RedemptionService dying = f.redemptions(new CrashingDynamoDb(f.dynamo, 3));
        assertThrows(CrashingDynamoDb.Crash.class, () -> dying.redeem("frank", request("rd-w", "watch")));
        assertEquals(2, f.remaining("watch"));
        // AND meanwhile the coins went on another reward
        f.reward("other", null, 150, null, null);
        f.redemptions().redeem("frank", request("rd-o", "other"));
        // WHEN the cleanup job finds the unfinished redemption
        f.clock.advance(Duration.ofMinutes(3));
        SpendingCleanup.Result result = f.cleanup().run(100);
        // THEN it is compensated: stock and allowance back, nothing debited for it, and its refusal is final
        assertEquals(1, result.redemptionsSettled());
        assertEquals(3, f.remaining("watch"));
        assertEquals(0, Attributes.number(f.item(SpendingItems.limitKey("frank", "watch")), SpendingItems.USED));
        assertEquals(50, f.ledger().account("frank").coins());
        assertEquals("insufficient_balance", code(assertThrows(DomainException.class,
                () -> f.redemptions().redeem("frank", request("rd-w", "watch")))));
        assertEquals(1, f.coupons("frank").size());
        f.assertBalanceEqualsActivity("frank");
    }

    @Test
    void redeem_shouldAnswerInProgress_whileALiveAttemptHoldsTheLease() {
        f.reward("mug", "starbucks", 10, null, null);
        f.fund("gina", 100, 0);
        RedemptionService dying = f.redemptions(new CrashingDynamoDb(f.dynamo, 1));
        assertThrows(CrashingDynamoDb.Crash.class, () -> dying.redeem("gina", request("rd-m", "mug")));
        // WHEN the client retries within the lease (the first attempt could still be alive)
        DomainException e = assertThrows(DomainException.class, () -> f.redemptions().redeem("gina", request("rd-m", "mug")));
        // THEN it is told to retry, and nothing was spent
        assertEquals("redemption_in_progress", e.code());
        assertNotNull(e.retryAfter());
        assertEquals(100, f.ledger().account("gina").coins());
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
