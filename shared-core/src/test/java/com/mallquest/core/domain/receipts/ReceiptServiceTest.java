package com.mallquest.core.domain.receipts;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.api.http.DomainErrors;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Account;
import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.ActivityPage;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Receipt submission against moto_server with the seeded store catalogue. */
class ReceiptServiceTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    /**
     * The claim is a submission's second write: the first counts the rate limit durably, as it is while the
     * cache is not Redis (these tests use the in-memory cache; see ReceiptRateLimit).
     */

    /** Effects as published: the edge of this unit (the effects service has its own tests). */
    record Published(String userId, String type, Map<String, Object> data) { }

    private final List<Published> published = Collections.synchronizedList(new ArrayList<>());
    private final EffectPublisher effects = (userId, type, data) -> published.add(new Published(userId, type, data));

    private TestStack cores;
    private Map<String, String> env;
    private DynamoDbClient dynamo;
    private Cache cache;
    private MutableClock clock;

    @BeforeEach
    void setUp() {
        // the fraud limits have their own tests (DailyLimitsTest)
        cores = TestStack.seeded("receipts", NOW, Map.of("RECEIPT_DAILY_STORE_LIMIT", "1000"));
        env = cores.env;
        dynamo = cores.dynamo;
        cache = cores.cache;
        clock = cores.clock;
    }

    private Platform core(DynamoDbClient client) {
        return cores.core(client);
    }

    private ReceiptService service() {
        return new Services(core(dynamo), effects).receipts();
    }

    private Ledger ledger() {
        return new Services(core(dynamo)).ledger();
    }

    private ReceiptClaims claims() {
        return new ReceiptClaims(dynamo, Settings.fromEnvironment(env).receiptsTable(), Settings.fromEnvironment(env).auditTable());
    }

    /** A receipt as the store's till signs it (the seed's development key of the store). */
    private static ReceiptRequest receipt(String id, String store, String amount, Instant purchasedAt) {
        return ReceiptCodes.signed(details(id, store, amount, purchasedAt));
    }

    private static ReceiptSubmission details(String id, String store, String amount, Instant purchasedAt) {
        return new ReceiptSubmission(id, store, new BigDecimal(amount), purchasedAt);
    }

    private static ReceiptRequest nike(String id) {
        return receipt(id, "nike", "125.50", NOW.minus(Duration.ofHours(2)));
    }

    /** Submits a signed receipt, whose answer is always a credit (or a refusal). */
    private static ReceiptResult submit(ReceiptService service, String userId, ReceiptRequest request) {
        return (ReceiptResult) service.submit(userId, request);
    }

    @Test
    void submit_shouldCreditCoinsXpAndPublishEffects_whenFirstSubmitted() {
        // GIVEN a new user and a Nike receipt (multiplier 1.5)
        // WHEN submitted
        ReceiptResult result = submit(service(), "u1", nike("R-1"));
        // THEN 125.50 × 1.5 = 188.25 → 188 coins, 125 XP, level 2 reached
        assertFalse(result.replayed());
        assertEquals(188, result.coinsEarned());
        assertEquals(125, result.xpEarned());
        assertTrue(result.leveledUp());
        assertEquals(new ReceiptResult.UserBalance("u1", 188, 125, 2), result.user());
        Account account = ledger().account("u1");
        assertEquals(188, account.coins());
        assertEquals(1, account.receiptsCredited());
        // AND the claim is credited and out of the pending index
        assertTrue(claims().find("nike", "R-1").orElseThrow().credited());
        assertEquals(List.of(), claims().pending(NOW.plus(Duration.ofDays(1)), 10));
        // AND the first-receipt badge, coin_earned and level_up were published for the user
        assertEquals(List.of("badge_unlocked", "coin_earned", "level_up"), published.stream().map(Published::type).toList());
        assertEquals("first_receipt", published.get(0).data().get("badge"));
        assertEquals(188L, published.get(1).data().get("coins"));
        assertEquals(2, published.get(2).data().get("level"));
    }

    @Test
    void submit_shouldReplayTheOriginalResult_whenTheSameUserSubmitsAgain() {
        // GIVEN a credited receipt and a later one
        ReceiptResult first = submit(service(), "u1", nike("R-1"));
        submit(service(), "u1", receipt("S-9", "starbucks", "4.80", NOW.minusSeconds(60)));
        published.clear();
        // WHEN the first is submitted again
        ReceiptResult again = submit(service(), "u1", nike("R-1"));
        // THEN it is the original result, marked replayed; nothing more is credited or published
        assertTrue(again.replayed());
        assertEquals(first.user(), again.user());
        assertEquals(first.coinsEarned(), again.coinsEarned());
        assertEquals(first.creditedAt(), again.creditedAt());
        assertEquals(188 + 14, ledger().account("u1").coins());
        assertEquals(List.of(), published);
    }

    @Test
    void submit_shouldRefuse409_whenAnotherUserClaimsTheReceipt() {
        // GIVEN u1 claimed a receipt
        submit(service(), "u1", nike("R-1"));
        // WHEN u2 submits the same store and receipt id
        DomainException e = assertThrows(DomainException.class, () -> submit(service(), "u2", nike("R-1")));
        // THEN 409 receipt_already_claimed, and u2 gets nothing
        assertEquals(409, DomainErrors.status(e.kind()));
        assertEquals("receipt_already_claimed", e.code());
        assertEquals(0, ledger().account("u2").coins());
        // AND the same receipt id at another store is a different receipt
        assertFalse(submit(service(), "u2", receipt("R-1", "zara", "10.00", NOW)).replayed());
    }

    @Test
    void submit_shouldRefuse409_whenTheSameUserResubmitsWithOtherDetails() {
        submit(service(), "u1", nike("R-1"));
        DomainException e = assertThrows(DomainException.class,
                () -> submit(service(), "u1", receipt("R-1", "nike", "999.00", NOW.minusSeconds(7200))));
        assertEquals(409, DomainErrors.status(e.kind()));
        assertEquals("receipt_details_differ", e.code());
        assertEquals(188, ledger().account("u1").coins());
    }

    @Test
    void submit_shouldRefuseWith422AndSpecificCode_whenAVerificationRuleFails() {
        // GIVEN the seeded catalogue and the default rules (30 days, 5 min skew, mall ceiling 5000)
        Map<String, ReceiptSubmission> cases = new java.util.LinkedHashMap<>();
        cases.put("unknown_store", details("A1", "no-such-store", "10.00", NOW));
        cases.put("store_inactive", details("A2", "the-body-shop", "10.00", NOW));
        cases.put("purchase_in_future", details("A3", "zara", "10.00", NOW.plus(Duration.ofMinutes(6))));
        cases.put("receipt_too_old", details("A4", "zara", "10.00", NOW.minus(Duration.ofDays(30)).minusSeconds(1)));
        cases.put("amount_above_mall_limit", details("A5", "apple", "5000.01", NOW));
        cases.put("amount_above_store_limit", details("A6", "starbucks", "150.01", NOW));
        Map<String, String> fields = Map.of("unknown_store", "storeId", "store_inactive", "storeId",
                "purchase_in_future", "purchasedAt", "receipt_too_old", "purchasedAt",
                "amount_above_mall_limit", "amount", "amount_above_store_limit", "amount");
        cases.forEach((code, submission) -> {
            // WHEN submitted THEN 422 with that code and field, and nothing is claimed or credited
            DomainException e = assertThrows(DomainException.class, () -> service().submit("u1",
                    // no store can sign for a store missing from the catalogue: an unknown store is an unsigned body's case
                    code.equals("unknown_store") ? ReceiptRequest.unsigned(submission) : ReceiptCodes.signed(submission)), code);
            assertEquals(422, DomainErrors.status(e.kind()), code);
            assertEquals(code, e.code());
            assertEquals(fields.get(code), e.field(), code);
            assertTrue(claims().find(submission.storeId(), submission.receiptId()).isEmpty(), code);
        });
        assertEquals(0, ledger().account("u1").coins());
        // AND the limits themselves are accepted: exactly at the ceilings, the window edge and the skew
        submit(service(), "u1", receipt("B1", "apple", "5000.00", NOW));
        submit(service(), "u1", receipt("B2", "starbucks", "150.00", NOW));
        submit(service(), "u1", receipt("B3", "zara", "10.00", NOW.plus(Duration.ofMinutes(5))));
        submit(service(), "u1", receipt("B4", "zara", "10.00", NOW.minus(Duration.ofDays(30))));
        assertEquals(4, ledger().account("u1").receiptsCredited());
    }

    @Test
    void submit_shouldRefuse429WithRetryAfter_whenOverTheRateLimit_andAllowAgainNextWindow() {
        // GIVEN a limit of 3 receipts per minute
        env.put("RECEIPT_RATE_LIMIT", "3/60s");
        clock.set(Instant.parse("2026-11-25T12:00:10Z"));
        for (int i = 1; i <= 3; i++) {
            submit(service(), "u1", receipt("R" + i, "zara", "10.00", NOW));
        }
        // WHEN a fourth comes within the minute
        DomainException e = assertThrows(DomainException.class, () -> submit(service(), "u1", receipt("R4", "zara", "10.00", NOW)));
        // THEN 429 with Retry-After until the window ends; another user is not affected
        assertEquals(429, DomainErrors.status(e.kind()));
        assertEquals("rate_limited", e.code());
        assertEquals("50", DomainErrors.response(e).headers().get("Retry-After"));
        assertFalse(submit(service(), "u2", receipt("R5", "zara", "10.00", NOW)).replayed());
        assertTrue(claims().find("zara", "R4").isEmpty());
        // AND in the next window it is accepted
        clock.advance(Duration.ofSeconds(51));
        assertFalse(submit(service(), "u1", receipt("R4", "zara", "10.00", NOW)).replayed());
    }

    @Test
    void submit_shouldCreditOnce_when50IdenticalSubmissionsRunConcurrently() throws Exception {
        // GIVEN 50 identical submissions released at once
        ReceiptService service = service();
        List<Object> outcomes = Concurrently.run(50, i -> () -> submit(service, "u1", nike("R-1")));
        // THEN exactly one credited it; the rest are replays or "in progress"
        int credited = 0;
        for (Object o : outcomes) {
            if (o instanceof ReceiptResult r && !r.replayed()) {
                credited++;
            } else if (o instanceof ReceiptResult r) {
                assertEquals(188, r.user().coins());
            } else if (o instanceof DomainException e) {
                assertEquals("receipt_in_progress", e.code(), e.getMessage());
            } else {
                fail("unexpected outcome " + o);
            }
        }
        assertEquals(1, credited);
        assertEquals(188, ledger().account("u1").coins());
        assertEquals(1, ledger().account("u1").receiptsCredited());
        assertEquals(1, published.stream().filter(p -> p.type().equals("coin_earned")).count());
        assertBalanceEqualsActivity("u1", 1);
    }

    @Test
    void submit_shouldCountEveryReceipt_whenDistinctReceiptsOfOneUserRunConcurrently() throws Exception {
        // GIVEN 30 different receipts of one user released at once (Starbucks ×3: 10.00 → 30 coins, 10 XP each)
        ReceiptService service = service();
        List<Object> outcomes = Concurrently.run(30, i -> () -> submit(service, "u1", receipt("S" + i, "starbucks", "10.00", NOW)));
        // THEN all are credited and none is lost
        outcomes.forEach(o -> assertTrue(o instanceof ReceiptResult r && !r.replayed(), "outcome " + o));
        Account account = ledger().account("u1");
        assertEquals(900, account.coins());
        assertEquals(300, account.xp());
        assertEquals(30, account.receiptsCredited());
        assertBalanceEqualsActivity("u1", 30);
    }

    @Test
    void submit_shouldCreditExactlyOnce_whenCrashedBeforeOrAfterEachWriteThenRetried() {
        // GIVEN the number of writes one submission makes
        // (of a second receipt, as below: a first one also writes the first-receipt badge)
        service().submit("probe", receipt("E-P", "zara", "10.00", NOW));
        CrashingDynamoDb counter = new CrashingDynamoDb(dynamo, Integer.MAX_VALUE);
        submit(new Services(core(counter), effects).receipts(), "probe", nike("P-1"));
        int writes = counter.writes();
        assertEquals(2, writes, "the rate count (the cache is memory here: counted in DynamoDB) and one transaction: "
                + "the credit with its claim, daily limits and visit");
        for (int write = 1; write <= writes; write++) {
            for (boolean afterTheWrite : new boolean[] {false, true}) {
                String user = "crash-" + write + (afterTheWrite ? "-after" : "-before");
                String receiptId = "R-" + write + (afterTheWrite ? "a" : "b");
                submit(service(), user, receipt("E-" + receiptId, "zara", "10.00", NOW)); // an earlier credit
                // WHEN the process dies right before (or right after) that write
                CrashingDynamoDb crashing = afterTheWrite ? new CrashingDynamoDb(dynamo, write) : CrashingDynamoDb.beforeWrite(dynamo, write);
                ReceiptService dying = new Services(core(crashing), effects).receipts();
                assertThrows(CrashingDynamoDb.Crash.class, () -> submit(dying, user, nike(receiptId)));
                // THEN the receipt is claimed with its credit or not at all: nothing is left pending for a cleanup
                boolean credited = afterTheWrite && write == writes; // the transaction is the last write
                assertEquals(credited, claims().find("nike", receiptId).isPresent(), user);
                assertEquals(credited ? 198 : 10, ledger().account(user).coins(), user);
                assertEquals(0, service().completePending(100), user);
                // AND the client's retry credits it (or answers the credit made before the crash)
                ReceiptResult retried = submit(service(), user, nike(receiptId));
                assertEquals(credited, retried.replayed(), user);
                assertEquals(198, retried.user().coins(), user);
                // AND the receipt is credited exactly once and the claim is complete
                Account account = ledger().account(user);
                assertEquals(10 + 188, account.coins(), user);
                assertEquals(10 + 125, account.xp(), user);
                assertEquals(2, account.receiptsCredited(), user);
                assertBalanceEqualsActivity(user, 2);
                assertTrue(claims().find("nike", receiptId).orElseThrow().credited(), user);
                // AND a later identical submission is a replay
                assertTrue(submit(service(), user, nike(receiptId)).replayed(), user);
                assertEquals(198, ledger().account(user).coins(), user);
            }
        }
        assertEquals(List.of(), claims().pending(clock.instant().plus(Duration.ofDays(1)), 100));
    }

    // ---- helpers ----

    private void assertBalanceEqualsActivity(String userId, int expectedEntries) {
        Ledger ledger = ledger();
        long coins = 0;
        long xp = 0;
        int entries = 0;
        String cursor = null;
        do {
            ActivityPage page = ledger.activity(userId, 10, cursor);
            for (ActivityEntry e : page.entries()) {
                coins += e.coins();
                xp += e.xp();
                entries++;
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        Account account = ledger.account(userId);
        assertEquals(account.coins(), coins, "coins == sum of activity for " + userId);
        assertEquals(account.xp(), xp, "xp == sum of activity for " + userId);
        assertEquals(expectedEntries, entries, "activity entries of " + userId);
    }
}
