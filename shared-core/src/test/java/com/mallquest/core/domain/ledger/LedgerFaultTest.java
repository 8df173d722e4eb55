package com.mallquest.core.domain.ledger;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.platform.cache.MemoryCache;

import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.dynamo.FaultyDynamoDbProxy;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.PausingDynamoDb;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger's one transaction against copies and stalls: a transaction that stalls on the wire and arrives after
 * the SDK's retry applied it, an applied transaction whose answer is lost (the SDK's retry of one's own write), an
 * attempt that stalls between its read and its transaction, and DynamoDB's {@code TransactionConflict} (which moto
 * never answers: the proxy does). On moto_server, through a proxy.
 */
class LedgerFaultTest {

    private Map<String, String> env;
    private DynamoDbClient dynamo;
    private String usersTable;
    private MemoryCache cache;
    private MutableClock clock;
    private FaultyDynamoDbProxy proxy;
    private DynamoDbClient viaProxy;

    @BeforeEach
    void setUp() throws Exception {
        TestStack stack = TestStack.empty("ledger", Instant.parse("2026-11-25T10:00:00Z"), Map.of());
        env = stack.env;
        usersTable = stack.core().settings().usersTable();
        dynamo = stack.dynamo;
        cache = new MemoryCache();
        clock = stack.clock;
        proxy = new FaultyDynamoDbProxy(URI.create(env.get("DYNAMODB_ENDPOINT")));
        viaProxy = proxy.productionClient(env); // the production client: 2 s per attempt, 3 attempts
    }

    @AfterEach
    void tearDown() {
        viaProxy.close();
        proxy.close();
    }

    private Ledger ledger(DynamoDbClient client) {
        return new Ledger(client, usersTable, cache, clock);
    }

    private static Credit receipt(String userId, String creditId, long coins, long xp) {
        return new Credit(userId, creditId, coins, xp, CreditKind.RECEIPT, Map.of("storeId", "zara"));
    }

    /** A credit's transaction as it crosses the wire. */
    private static boolean isTransaction(FaultyDynamoDbProxy.Call call) {
        return call.operation().equals("TransactWriteItems");
    }

    @Test
    void credit_shouldAddOnce_whenTheFirstTransactionArrivesAfterTheRetryApplied() throws Exception {
        // GIVEN a proxy that holds the first transaction past the SDK's 2 s attempt timeout
        proxy.holdFirst(LedgerFaultTest::isTransaction);
        Ledger ledger = ledger(viaProxy);
        // WHEN the credit is applied: the SDK retries the transaction, and the retry applies it
        CreditResult result = ledger.credit(receipt("u1", "receipt:zara:R1", 100, 50));
        assertTrue(proxy.awaitHeld(0), "the first transaction was held");
        assertTrue(result.applied());
        assertEquals(100, ledger.account("u1").coins());
        // AND then the stalled first copy reaches the database
        int lateStatus = proxy.releaseHeld().get(10, TimeUnit.SECONDS);
        // THEN the late copy was cancelled and changed nothing: the amount is counted once and agrees with the activity
        assertEquals(400, lateStatus, "the late copy is a cancelled transaction");
        Account account = ledger(dynamo).account("u1");
        assertEquals(100, account.coins());
        assertEquals(50, account.xp());
        assertEquals(1, account.receiptsCredited());
        assertEquals(1, account.version());
        assertEquals(1, ledger(dynamo).activity("u1", 10, null).entries().size());
        assertFalse(ledger(dynamo).credit(receipt("u1", "receipt:zara:R1", 100, 50)).applied());
    }

    @Test
    void credit_shouldAnswerTheReplay_whenTheAnswerOfItsAppliedTransactionIsLost() {
        // GIVEN a transaction that is applied, but whose answer is lost on the way back (the SDK sends it again)
        proxy.loseAnswerOfNext(1, LedgerFaultTest::isTransaction);
        // WHEN the credit is made
        CreditResult result = ledger(viaProxy).credit(receipt("u1", "receipt:zara:R1", 100, 50));
        // THEN the SDK's own retry is recognised as this credit (a replay, no conflict, no lease to wait for)
        assertEquals(1, proxy.failures());
        assertFalse(result.applied(), "the second copy found the first one's record");
        assertEquals(100, result.account().coins());
        // AND it counts once
        Account account = ledger(dynamo).account("u1");
        assertEquals(100, account.coins());
        assertEquals(1, account.version());
        assertEquals(1, ledger(dynamo).activity("u1", 10, null).entries().size());
    }

    @Test
    void credit_shouldCountBoth_whenAnAttemptStallsBetweenItsReadAndItsTransaction() throws Exception {
        // GIVEN two places an attempt can stall, and what another attempt does meanwhile: the same credit, or another one
        for (boolean sameCredit : new boolean[] {true, false}) {
            String user = "stall-" + sameCredit;
            Credit credit = receipt(user, "receipt:zara:R1", 100, 50);
            Credit other = sameCredit ? credit : receipt(user, "receipt:zara:R2", 30, 10);
            PausingDynamoDb pausing = new PausingDynamoDb(dynamo, r -> r instanceof TransactWriteItemsRequest);
            // WHEN attempt A reads the profile and stalls right before its transaction
            CompletableFuture<Object> a = CompletableFuture.supplyAsync(() -> {
                try {
                    return ledger(pausing.client()).credit(credit);
                } catch (RuntimeException e) {
                    return e;
                }
            });
            assertTrue(pausing.awaitPaused(5_000));
            // AND attempt B applies its credit
            assertTrue(ledger(dynamo).credit(other).applied());
            // AND then A wakes up and carries on
            pausing.release();
            Object outcomeA = a.get(10, TimeUnit.SECONDS);
            // THEN the same credit counts once (A answers the replay); another credit counts too (A read again)
            Account account = ledger(dynamo).account(user);
            if (sameCredit) {
                assertTrue(outcomeA instanceof CreditResult r && !r.applied(), "A replays: " + outcomeA);
                assertEquals(100, account.coins());
                assertEquals(1, account.version());
            } else {
                assertTrue(outcomeA instanceof CreditResult r && r.applied(), "A applies after reading again: " + outcomeA);
                assertEquals(130, account.coins());
                assertEquals(2, account.version());
            }
            assertEquals(account.version(), ledger(dynamo).activity(user, 10, null).entries().size());
        }
    }

    @Test
    void credit_shouldRetryWithBackoff_whenDynamoDbAnswersTransactionConflict() {
        // GIVEN DynamoDB answering the next two transactions with TransactionConflict (another transaction on the item)
        proxy.conflictNext(2, LedgerFaultTest::isTransaction);
        // WHEN a credit is made
        CreditResult result = ledger(viaProxy).credit(receipt("u1", "receipt:zara:R1", 100, 50));
        // THEN it was sent three times and applied once
        assertEquals(2, proxy.conflicts());
        assertTrue(result.applied());
        assertEquals(100, ledger(dynamo).account("u1").coins());
    }

    @Test
    void credit_shouldAnswerLedgerBusy_whenConflictsDoNotEnd() {
        // GIVEN DynamoDB answering every transaction with TransactionConflict
        proxy.conflictNext(1_000, LedgerFaultTest::isTransaction);
        // WHEN a credit is made
        DomainException busy = assertThrows(DomainException.class, () -> ledger(viaProxy).credit(receipt("u1", "c1", 100, 50)));
        // THEN it gave up after its bounded attempts: 503 ledger_busy with Retry-After, nothing written
        assertEquals("ledger_busy", busy.code());
        assertEquals(DomainException.Kind.UNAVAILABLE, busy.kind());
        assertTrue(busy.retryAfter() != null);
        assertEquals(Transaction.MAX_ATTEMPTS, proxy.conflicts());
        assertEquals(0, ledger(dynamo).account("u1").coins());
    }

    @Test
    void credit_shouldApplyOnRetry_whenTheTransactionFailsWithAKnownError() {
        // GIVEN a transaction that fails with 500 on every SDK attempt (3), none forwarded
        proxy.failNext(3, LedgerFaultTest::isTransaction);
        Credit credit = receipt("u1", "receipt:zara:R1", 100, 50);
        CreditIncompleteException failed = assertThrows(CreditIncompleteException.class, () -> ledger(viaProxy).credit(credit));
        assertEquals(CreditIncompleteException.Progress.MAYBE_APPLIED, failed.progress());
        assertEquals(3, proxy.failures());
        // WHEN the user retries at once
        CreditResult retried = ledger(viaProxy).credit(credit);
        // THEN the retry applies it, once: no lease locks it out
        assertTrue(retried.applied());
        assertEquals(100, ledger(dynamo).account("u1").coins());
    }
}
