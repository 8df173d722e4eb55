package com.mallquest.core.domain.admin;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.platform.dynamo.FaultyDynamoDbProxy;
import com.mallquest.core.testing.MutableClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Admin batches meeting DynamoDB failures (a proxy answering 500 to chosen writes, before moto_server): what
 * the per-item answer says, what a user's chain does after a result that is not final, and that cleanup
 * completes what was interrupted.
 */
class BatchAdjustmentsFaultTest {

    private static final Caller ADMIN = new Caller("admin-1", Set.of(Caller.ADMIN_GROUP));

    private DynamoDbClient dynamo;
    private String usersTable;
    private String auditTable;
    private MemoryCache cache;
    private MutableClock clock;
    private FaultyDynamoDbProxy proxy;
    private DynamoDbClient viaProxy;

    @BeforeEach
    void setUp() throws Exception {
        TestStack stack = TestStack.empty("admin-batch", Instant.parse("2026-11-25T10:00:00Z"), Map.of());
        Map<String, String> env = stack.env;
        usersTable = stack.core().settings().usersTable();
        auditTable = stack.core().settings().auditTable();
        dynamo = stack.dynamo;
        cache = new MemoryCache();
        clock = stack.clock;
        proxy = new FaultyDynamoDbProxy(URI.create(env.get("DYNAMODB_ENDPOINT")));
        viaProxy = proxy.productionClient(env);
    }

    @AfterEach
    void tearDown() {
        viaProxy.close();
        proxy.close();
    }

    private Ledger ledger(DynamoDbClient client) {
        return new Ledger(client, usersTable, cache, clock);
    }

    private static AdjustmentBatch batch(Adjustment... adjustments) {
        return new AdjustmentBatch(List.of(adjustments));
    }

    @Test
    void apply_shouldSayPending_whenTheAdjustmentsWriteFails_andAResendAppliesItOnce() {
        // GIVEN the transaction of an adjustment fails with 500 on every SDK attempt (its outcome is unknown to the caller)
        proxy.failNext(3, call -> call.operation().equals("TransactWriteItems") && call.body().contains("adj:goodwill-1"));
        Adjustment goodwill = new Adjustment("goodwill-1", "u1", 100L, 5L, "sorry");
        // WHEN the batch is applied
        AdjustmentResult result = new BatchAdjustments(ledger(viaProxy), auditTable, 2).apply(batch(goodwill), ADMIN).results().get(0);
        // THEN the answer says what may have happened: pending (all of it or nothing), with no balance claimed
        assertEquals(AdjustmentResult.PENDING, result.status(), result.toString());
        assertNull(result.coins());
        assertEquals("credit_incomplete", result.error().code());
        assertEquals(0, ledger(dynamo).account("u1").coins());
        // WHEN the admin sends the batch again
        AdjustmentResult again = new BatchAdjustments(ledger(viaProxy), auditTable, 2).apply(batch(goodwill), ADMIN).results().get(0);
        // THEN it applies, once; a third send answers replayed
        assertEquals(AdjustmentResult.APPLIED, again.status());
        assertEquals(100L, again.coins());
        assertEquals(1, ledger(dynamo).activity("u1", 10, null).entries().size());
        assertEquals(AdjustmentResult.REPLAYED,
                new BatchAdjustments(ledger(dynamo), auditTable, 2).apply(batch(goodwill), ADMIN).results().get(0).status());
        assertEquals(100, ledger(dynamo).account("u1").coins());
    }

    @Test
    void apply_shouldStopAUsersChain_atTheFirstResultThatIsNotFinal_andStoreNoRefusalOfIt() {
        // GIVEN [+100 adj-a, -100 adj-b] for one user with no coins, and adj-a's balance write failing (500, every attempt)
        proxy.failNext(3, call -> call.operation().equals("TransactWriteItems") && call.body().contains("adj:adj-a"));
        Adjustment a = new Adjustment("adj-a", "u1", 100L, 0L, "top up");
        Adjustment b = new Adjustment("adj-b", "u1", -100L, 0L, "take back");
        Adjustment other = new Adjustment("adj-c", "u2", 7L, 0L, "another user");
        // WHEN the batch is applied
        BatchOutcome outcome = new BatchAdjustments(ledger(viaProxy), auditTable, 2).apply(batch(a, b, other), ADMIN);
        // THEN adj-a is pending (a 500 on a write leaves its outcome unknown), adj-b was not attempted,
        // the other user is unaffected
        List<AdjustmentResult> results = outcome.results();
        assertEquals(AdjustmentResult.PENDING, results.get(0).status(), results.toString());
        assertEquals("credit_incomplete", results.get(0).error().code());
        assertNull(results.get(0).coins(), "not known to be in the balance");
        assertEquals(AdjustmentResult.NOT_ATTEMPTED, results.get(1).status(), results.toString());
        assertNull(results.get(1).coins());
        assertEquals(AdjustmentResult.APPLIED, results.get(2).status());
        assertEquals(0, ledger(dynamo).account("u1").coins());
        // WHEN the admin sends the same batch again
        BatchOutcome again = new BatchAdjustments(ledger(viaProxy), auditTable, 2).apply(batch(a, b, other), ADMIN);
        // THEN both apply in order (no refusal of adj-b was stored), and the other is a replay
        assertEquals(List.of(AdjustmentResult.APPLIED, AdjustmentResult.APPLIED, AdjustmentResult.REPLAYED),
                again.results().stream().map(AdjustmentResult::status).toList(), again.results().toString());
        assertEquals(0, ledger(dynamo).account("u1").coins());
        assertEquals(2, ledger(dynamo).activity("u1", 10, null).entries().size());
    }
}
