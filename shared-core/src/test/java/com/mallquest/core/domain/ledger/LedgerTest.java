package com.mallquest.core.domain.ledger;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.cache.MemoryCache;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.DomainErrors;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.testing.MutableClock;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The ledger against a real DynamoDB-API server (moto_server), one fresh set of tables per test. */
class LedgerTest {

    private DynamoDbClient dynamo;
    private String usersTable;
    private MemoryCache cache;
    private MutableClock clock;
    private Ledger ledger;

    @BeforeEach
    void setUp() {
        TestStack stack = TestStack.empty("ledger", Instant.parse("2026-11-25T10:00:00Z"), Map.of());
        usersTable = stack.core().settings().usersTable();
        dynamo = stack.dynamo;
        cache = new MemoryCache();
        clock = stack.clock;
        ledger = new Ledger(dynamo, usersTable, cache, clock);
    }

    private static Credit receipt(String userId, String creditId, long coins, long xp) {
        return new Credit(userId, creditId, coins, xp, CreditKind.RECEIPT, Map.of("storeId", "zara"));
    }

    @Test
    void credit_shouldAddCoinsXpAndRecordActivity_whenFirstApplied() {
        // GIVEN a user the ledger has never seen
        // WHEN a receipt credit is applied
        CreditResult result = ledger.credit(receipt("u1", "receipt:zara:R1", 251, 125));
        // THEN the account holds the amounts, the activity records them, and the result says so
        assertTrue(result.applied());
        assertEquals(251, result.account().coins());
        assertEquals(125, result.account().xp());
        assertEquals(2, result.account().level());
        assertTrue(result.leveledUp());
        Account account = ledger.account("u1");
        assertEquals(251, account.coins());
        assertEquals(125, account.xp());
        assertEquals(1, account.receiptsCredited());
        assertEquals(1, account.version());
        List<ActivityEntry> entries = ledger.activity("u1", 10, null).entries();
        assertEquals(1, entries.size());
        assertEquals("receipt:zara:R1", entries.get(0).creditId());
        assertEquals(Map.of("storeId", "zara"), entries.get(0).details());
    }

    @Test
    void credit_shouldThrowTheRequirementsRefusalAndWriteNothing_whenTheAccountAsReadDoesNotMeetIt() {
        // GIVEN a user with 100 coins, and a debit that requires level 3
        ledger.credit(receipt("u9", "receipt:zara:R9", 100, 10));
        CreditItems needsLevel3 = CreditItems.none().requiring(before -> before.level() >= 3 ? null
                : DomainException.rejected("level_too_low", "level " + before.level()));
        Credit debit = new Credit("u9", "redemption:r-9", -50, 0, CreditKind.REDEMPTION, Map.of());
        // WHEN the debit is made
        DomainException refused = assertThrows(DomainException.class, () -> ledger.credit(debit, needsLevel3));
        // THEN its requirement's refusal is thrown, decided on the account as read, and nothing is written
        assertEquals("level_too_low", refused.code());
        assertEquals("level 1", refused.getMessage());
        assertEquals(100, ledger.account("u9").coins());
        assertEquals(1, ledger.account("u9").version());
        assertEquals(1, ledger.activity("u9", 10, null).entries().size());
        // AND the credit id stays unused: once the requirement holds, the same debit applies
        assertTrue(ledger.credit(debit, CreditItems.none().requiring(before -> null)).applied());
        assertEquals(50, ledger.account("u9").coins());
    }

    @Test
    void credit_shouldReturnRecordedResultAndChangeNothing_whenReplayed() {
        // GIVEN an applied credit
        CreditResult first = ledger.credit(receipt("u1", "c1", 100, 50));
        ledger.credit(receipt("u1", "c2", 10, 5));
        // WHEN the first credit is submitted again
        CreditResult again = ledger.credit(receipt("u1", "c1", 100, 50));
        // THEN it is a replay with the original result, and the balance counts it once
        assertFalse(again.applied());
        assertEquals(first.account().coins(), again.account().coins());
        assertEquals(first.creditedAt(), again.creditedAt());
        assertEquals(110, ledger.account("u1").coins());
        assertEquals(2, ledger.activity("u1", 10, null).entries().size());
    }

    @Test
    void credit_shouldReject_whenCreditIdReusedWithOtherAmounts() {
        // GIVEN an applied credit
        ledger.credit(receipt("u1", "c1", 100, 50));
        // WHEN the same id comes with other amounts
        DomainException e = assertThrows(DomainException.class, () -> ledger.credit(receipt("u1", "c1", 999, 50)));
        // THEN it is refused as a conflict and nothing changes
        assertEquals(409, DomainErrors.status(e.kind()));
        assertEquals("credit_mismatch", e.code());
        assertEquals(100, ledger.account("u1").coins());
    }

    @Test
    void credit_shouldRefuseAndRemember_whenAdjustmentWouldGoBelowZero() {
        // GIVEN a user with 100 coins
        ledger.credit(receipt("u1", "c1", 100, 50));
        Credit takeAway = new Credit("u1", "adj:1", -150, 0, CreditKind.ADJUSTMENT, Map.of("reason", "test"));
        // WHEN an adjustment would take 150 away
        DomainException e = assertThrows(DomainException.class, () -> ledger.credit(takeAway));
        // THEN it is a 422, the balance is untouched, and a retry gives the same answer
        assertEquals(422, DomainErrors.status(e.kind()));
        assertEquals("insufficient_balance", e.code());
        assertEquals(100, ledger.account("u1").coins());
        assertEquals("insufficient_balance", assertThrows(DomainException.class, () -> ledger.credit(takeAway)).code());
        // AND an adjustment within the balance applies, without counting as a receipt
        ledger.credit(new Credit("u1", "adj:2", -40, 0, CreditKind.ADJUSTMENT, Map.of()));
        assertEquals(60, ledger.account("u1").coins());
        assertEquals(1, ledger.account("u1").receiptsCredited());
        assertBalanceEqualsActivity("u1");
    }

    @Test
    void credit_shouldTakeTheBalanceBelowZero_onlyForAReceiptRefund_andLaterCreditsPayTheDebtFirst() {
        // GIVEN a user who earned 100 coins and 50 XP, then spent 80 of the coins
        ledger.credit(receipt("u1", "c1", 100, 50));
        ledger.credit(new Credit("u1", "redemption:r1", -80, 0, CreditKind.REDEMPTION, Map.of()));
        // WHEN the receipt is refunded in full
        CreditResult refund = ledger.credit(new Credit("u1", "refund:zara:R1:1", -100, -50, CreditKind.RECEIPT_REFUND,
                Map.of("storeId", "zara", "receiptId", "R1")));
        // THEN the reversal applies in full: the balance is -80 (a debt), XP 0, level 1
        assertEquals(-80, refund.account().coins());
        assertEquals(0, refund.account().xp());
        assertEquals(1, ledger.account("u1").level());
        assertBalanceEqualsActivity("u1");
        // AND no other debit may go below zero while it is owed
        assertEquals("insufficient_balance", assertThrows(DomainException.class,
                () -> ledger.credit(new Credit("u1", "redemption:r2", -1, 0, CreditKind.REDEMPTION, Map.of()))).code());
        assertEquals("insufficient_balance", assertThrows(DomainException.class,
                () -> ledger.credit(new Credit("u1", "adj:x", -1, 0, CreditKind.ADJUSTMENT, Map.of()))).code());
        // AND the next credit pays the debt first
        assertEquals(20, ledger.credit(receipt("u1", "c2", 100, 50)).account().coins());
        assertBalanceEqualsActivity("u1");
        assertTrue(CreditKind.RECEIPT_REFUND.mayOverdraw());
        assertFalse(CreditKind.REDEMPTION.mayOverdraw());
    }

    @Test
    void credit_shouldDeleteCachedUserView_whenApplied() {
        // GIVEN a cached view of the user
        String key = CacheKeys.userView("u1");
        cache.set(key, "{\"coins\":0}", Duration.ofMinutes(5));
        // WHEN a credit is applied
        ledger.credit(receipt("u1", "c1", 100, 50));
        // THEN the cached view is gone
        assertTrue(cache.get(key).isEmpty());
    }

    @Test
    void credit_shouldApplyOnce_when50ConcurrentCallsShareACreditId() throws Exception {
        // GIVEN 50 threads released at once with the same credit
        Credit credit = receipt("u1", "receipt:zara:R1", 251, 125);
        List<Object> outcomes = Concurrently.run(50, i -> () -> ledger.credit(credit));
        // THEN exactly one applied it; the rest replayed its result
        int applied = 0;
        for (Object o : outcomes) {
            if (o instanceof CreditResult r && r.applied()) {
                applied++;
            } else if (o instanceof CreditResult r) {
                assertEquals(251, r.account().coins());
            } else {
                fail("unexpected outcome " + o);
            }
        }
        assertEquals(1, applied);
        assertEquals(251, ledger.account("u1").coins());
        assertEquals(1, ledger.activity("u1", 100, null).entries().size());
        assertBalanceEqualsActivity("u1");
    }

    @Test
    void credit_shouldLoseNoUpdate_when100DistinctCreditsRunConcurrently() throws Exception {
        // GIVEN 100 different credits for one user, released at once
        List<Object> outcomes = Concurrently.run(100, i -> () -> ledger.credit(receipt("u1", "c" + i, i + 1, 10)));
        // THEN each applied, or (contention beyond the ledger's bound) answered ledger_busy having written nothing
        List<Integer> busy = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            Object o = outcomes.get(i);
            if (o instanceof DomainException e && "ledger_busy".equals(e.code())) {
                busy.add(i);
            } else {
                assertTrue(o instanceof CreditResult r && r.applied(), "outcome " + o);
            }
        }
        assertEquals(100 - busy.size(), ledger.account("u1").version(), "one version per applied credit, none lost");
        assertBalanceEqualsActivity("u1");
        // AND once the busy ones are sent again, every credit counts exactly once
        for (int i : busy) {
            assertTrue(ledger.credit(receipt("u1", "c" + i, i + 1, 10)).applied());
        }
        Account account = ledger.account("u1");
        assertEquals(100 * 101 / 2, account.coins());
        assertEquals(1000, account.xp());
        assertEquals(100, account.receiptsCredited());
        assertEquals(100, account.version());
        assertBalanceEqualsActivity("u1");
    }

    @Test
    void credit_shouldApplyExactlyOnce_whenCrashedBeforeOrAfterItsOneWrite() {
        // GIVEN a credit makes exactly one write (its transaction)
        CrashingDynamoDb counter = new CrashingDynamoDb(dynamo, Integer.MAX_VALUE);
        new Ledger(counter, usersTable, cache, clock).credit(receipt("probe", "p1", 1, 1));
        assertEquals(1, counter.writes(), "a credit is one write");
        for (boolean afterTheWrite : new boolean[] {false, true}) {
            String user = "crash-" + (afterTheWrite ? "after" : "before");
            ledger.credit(receipt(user, "earlier", 100, 100)); // an earlier credit the crash must not disturb
            Credit credit = receipt(user, "c1", 251, 125);
            // WHEN the process dies right before (or right after) the transaction
            CrashingDynamoDb crashing = afterTheWrite ? new CrashingDynamoDb(dynamo, 1) : CrashingDynamoDb.beforeWrite(dynamo, 1);
            Ledger dying = new Ledger(crashing, usersTable, cache, clock);
            assertThrows(CrashingDynamoDb.Crash.class, () -> dying.credit(credit));
            // THEN the balance has all of it or none of it
            assertEquals(afterTheWrite ? 351 : 100, ledger.account(user).coins(), user);
            assertBalanceEqualsActivity(user);
            // AND the retry applies it (crash before) or answers its replay (crash after): exactly once either way
            CreditResult retried = ledger.credit(credit);
            assertEquals(!afterTheWrite, retried.applied(), user);
            Account account = ledger.account(user);
            assertEquals(351, account.coins(), user);
            assertEquals(225, account.xp(), user);
            assertEquals(2, account.receiptsCredited(), user);
            assertEquals(351, retried.account().coins(), user);
            assertBalanceEqualsActivity(user);
            assertEquals(2, ledger.activity(user, 10, null).entries().size(), user);
            // AND a further retry is a replay
            assertFalse(ledger.credit(credit).applied());
            assertEquals(351, ledger.account(user).coins());
        }
    }

    @Test
    void activity_shouldPageNewestFirst_whenFollowingTheCursor() {
        // GIVEN five credits a minute apart
        for (int i = 1; i <= 5; i++) {
            ledger.credit(receipt("u1", "c" + i, i, i));
            clock.advance(Duration.ofMinutes(1));
        }
        // WHEN paging two at a time
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ActivityPage page = ledger.activity("u1", 2, cursor);
            page.entries().forEach(e -> seen.add(e.creditId()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 10);
        // THEN every entry comes once, newest first
        assertEquals(List.of("c5", "c4", "c3", "c2", "c1"), seen);
        // AND a forged cursor or a bad limit is a 400 naming the field
        assertEquals("cursor", assertThrows(DomainException.class, () -> ledger.activity("u1", 2, "bm90LWFuLWFjdGl2aXR5")).field());
        assertEquals("limit", assertThrows(DomainException.class, () -> ledger.activity("u1", 0, null)).field());
    }

    @Test
    void account_shouldBeEmpty_whenUserNeverCredited() {
        // GIVEN no credits WHEN reading THEN a zero account at level 1
        Account account = ledger.account("nobody");
        assertEquals(0, account.coins());
        assertEquals(1, account.level());
        assertNull(ledger.activity("nobody", 5, null).nextCursor());
    }

    // ---- helpers ----

    private void assertBalanceEqualsActivity(String userId) {
        long coins = 0;
        long xp = 0;
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            ActivityPage page = ledger.activity(userId, 7, cursor);
            for (ActivityEntry e : page.entries()) {
                assertTrue(ids.add(e.creditId()), "activity entry twice: " + e.creditId());
                coins += e.coins();
                xp += e.xp();
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        Account account = ledger.account(userId);
        assertEquals(account.coins(), coins, "coins == sum of activity");
        assertEquals(account.xp(), xp, "xp == sum of activity");
    }
}
