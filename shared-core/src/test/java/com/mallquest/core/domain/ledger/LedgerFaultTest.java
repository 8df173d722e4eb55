package com.mallquest.core.domain.ledger;

import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.dynamo.FaultyDynamoDbProxy;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.PausingDynamoDb;
import com.mallquest.local.testsupport.TestBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger's fences against attempts that outlive their time: a balance write that stalls on the wire
 * and arrives after the retry finished the chain, an attempt that wakes up after its lease passed to
 * another, and an attempt that fails and must not lock the user's retry out. On dynalite, through a proxy.
 */
class LedgerFaultTest {

    private static final Duration LEASE = Duration.ofSeconds(90);

    private Map<String, String> env;
    private DynamoDbClient dynamo;
    private String usersTable;
    private MemoryCache cache;
    private MutableClock clock;
    private FaultyDynamoDbProxy proxy;
    private DynamoDbClient viaProxy;

    @BeforeEach
    void setUp() throws Exception {
        env = TestBackends.environment();
        usersTable = Settings.fromEnvironment(env).usersTable();
        dynamo = TestBackends.dynamoDb();
        cache = new MemoryCache();
        clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
        proxy = new FaultyDynamoDbProxy(URI.create(env.get("DYNAMODB_ENDPOINT")));
        viaProxy = proxy.productionClient(env); // the production client: 2 s per attempt, 3 attempts
    }

    @AfterEach
    void tearDown() {
        viaProxy.close();
        proxy.close();
    }

    private Ledger ledger(DynamoDbClient client) {
        return new Ledger(client, usersTable, cache, clock, LEASE);
    }

    private static Credit receipt(String userId, String creditId, long coins, long xp) {
        return new Credit(userId, creditId, coins, xp, CreditKind.RECEIPT, Map.of("storeId", "zara"));
    }

    /** The profile's balance write (the update that adds the amounts), as it crosses the wire. */
    private static boolean isBalanceWrite(FaultyDynamoDbProxy.Call call) {
        return call.operation().equals("UpdateItem") && call.body().contains("\"PROFILE\"") && call.body().contains("ADD ");
    }

    @Test
    void credit_shouldAddOnce_whenTheFirstBalanceWriteArrivesAfterTheRetryFinishedTheChain() throws Exception {
        // GIVEN a proxy that holds the first balance write past the SDK's 2 s attempt timeout
        proxy.holdFirst(LedgerFaultTest::isBalanceWrite);
        Ledger ledger = ledger(viaProxy);
        // WHEN the credit is applied: the SDK retries the write, and the retry finishes the whole chain
        CreditResult result = ledger.credit(receipt("u1", "receipt:zara:R1", 100, 50));
        assertTrue(proxy.awaitHeld(0), "the first balance write was held");
        assertTrue(result.applied());
        assertEquals(100, ledger.account("u1").coins());
        // AND then the stalled first copy reaches the database
        proxy.releaseHeld().get(10, TimeUnit.SECONDS);
        // THEN the late copy changed nothing: the amount is counted once and agrees with the activity
        Account account = ledger(dynamo).account("u1");
        assertEquals(100, account.coins());
        assertEquals(50, account.xp());
        assertEquals(1, account.receiptsCredited());
        assertEquals(1, ledger(dynamo).activity("u1", 10, null).entries().size());
        assertFalse(ledger(dynamo).credit(receipt("u1", "receipt:zara:R1", 100, 50)).applied());
    }

    @Test
    void credit_shouldAddOnce_whenAnAttemptOutlivesItsLease() throws Exception {
        // GIVEN two places an attempt can stall: before it reads the profile, and right before its balance write
        Map<String, Predicate<Object>> pausePoints = Map.of(
                "first profile request", r -> isProfileRequest(r),
                "balance write", r -> r instanceof UpdateItemRequest u && isProfileRequest(u) && u.updateExpression().contains("ADD "));
        for (var pausePoint : pausePoints.entrySet()) {
            String user = "lease-" + pausePoint.getKey().replace(' ', '-');
            Credit credit = receipt(user, "receipt:zara:R1", 100, 50);
            PausingDynamoDb pausing = new PausingDynamoDb(dynamo, pausePoint.getValue());
            // WHEN attempt A claims the credit and stalls there
            CompletableFuture<Object> a = CompletableFuture.supplyAsync(() -> {
                try {
                    return ledger(pausing.client()).credit(credit);
                } catch (RuntimeException e) {
                    return e;
                }
            });
            assertTrue(pausing.awaitPaused(5_000), pausePoint.getKey());
            // AND its lease runs out, and attempt B takes the credit over and finishes it
            clock.advance(LEASE.plusSeconds(1));
            CreditResult b = ledger(dynamo).credit(credit);
            assertTrue(b.applied(), pausePoint.getKey());
            // AND then A wakes up and carries on
            pausing.release();
            Object outcomeA = a.get(10, TimeUnit.SECONDS);
            // THEN A added nothing: the credit counts once (A answers the replay, or fails; never applies again)
            assertFalse(outcomeA instanceof CreditResult r && r.applied(), pausePoint.getKey() + ": A applied it too");
            Account account = ledger(dynamo).account(user);
            assertEquals(100, account.coins(), pausePoint.getKey());
            assertEquals(1, account.version(), pausePoint.getKey());
            assertEquals(1, ledger(dynamo).activity(user, 10, null).entries().size(), pausePoint.getKey());
        }
    }

    private static boolean isProfileRequest(Object request) {
        Map<String, AttributeValue> key = request instanceof GetItemRequest g ? g.key()
                : request instanceof UpdateItemRequest u ? u.key() : Map.of();
        return key.containsKey("sk") && "PROFILE".equals(key.get("sk").s());
    }

    @Test
    void credit_shouldReleaseItsLease_whenAStepFailsWithAKnownError_soTheRetryIsNotLockedOut() {
        // GIVEN a balance write that fails with 500 on every SDK attempt (3)
        proxy.failNext(3, LedgerFaultTest::isBalanceWrite);
        Credit credit = receipt("u1", "receipt:zara:R1", 100, 50);
        assertThrows(RuntimeException.class, () -> ledger(viaProxy).credit(credit));
        assertEquals(3, proxy.failures());
        // WHEN the user retries at once (no time passes: the failed attempt's lease would run for 90 s)
        CreditResult retried = ledger(viaProxy).credit(credit);
        // THEN the retry applies it, once
        assertTrue(retried.applied());
        assertEquals(100, ledger(dynamo).account("u1").coins());
    }

    @Test
    void credit_shouldTellTheRealWait_whenADeadAttemptStillHoldsTheLease() {
        // GIVEN an attempt that died (no chance to release anything) right after its claim
        Credit credit = receipt("u1", "receipt:zara:R1", 100, 50);
        assertThrows(CrashingDynamoDb.Crash.class, () -> ledger(new CrashingDynamoDb(dynamo, 1)).credit(credit));
        // WHEN the user retries 30 s later
        clock.advance(Duration.ofSeconds(30));
        DomainException busy = assertThrows(DomainException.class, () -> ledger(dynamo).credit(credit));
        // THEN it is in progress, retry when the dead attempt's lease ends: in 60 s, not "1"
        assertEquals("credit_in_progress", busy.code());
        assertEquals(Duration.ofSeconds(60), busy.retryAfter());
        // AND at that time the retry completes it
        clock.advance(Duration.ofSeconds(60));
        assertTrue(ledger(dynamo).credit(credit).applied());
    }

    @Test
    void credit_shouldNotStoreARefusal_whileAnEarlierCreditOfTheUserIsPending() {
        // GIVEN +100 for a user with no coins, left pending by an attempt that died right after its claim
        Credit topUp = new Credit("u1", "adj:a", 100, 0, CreditKind.ADJUSTMENT, Map.of("reason", "top up"));
        Credit takeBack = new Credit("u1", "adj:b", -100, 0, CreditKind.ADJUSTMENT, Map.of("reason", "take back"));
        assertThrows(CrashingDynamoDb.Crash.class, () -> ledger(new CrashingDynamoDb(dynamo, 1)).credit(topUp));
        // WHEN -100 comes while the balance does not have the +100 yet
        DomainException busy = assertThrows(DomainException.class, () -> ledger(dynamo).credit(takeBack));
        // THEN it is not refused for good: that balance is a transient state
        assertEquals("credit_in_progress", busy.code(), busy.getMessage());
        // AND once the +100 is completed, the -100 applies
        clock.advance(LEASE.plusSeconds(1));
        // (the -100 too, when the index scan reaches it after the +100: DynamoDB promises no order of a scan)
        int completed = ledger(dynamo).completePending(10);
        assertTrue(completed == 1 || completed == 2, "completed " + completed);
        assertEquals(completed == 1, ledger(dynamo).credit(takeBack).applied());
        assertEquals(0, ledger(dynamo).account("u1").coins());
    }
}
