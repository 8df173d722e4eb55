package com.mallquest.core.domain.cleanup;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.domain.effects.EffectTarget;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.domain.effects.TriggerEffectRequest;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.platform.dynamo.BatchWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.testing.EmfOutput;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisServer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cleanup job on moto_server and a real Redis: bounded runs through a backlog, idempotence, isolation of steps. */
class CleanupJobTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    /** Redis of this class's own: the effects cleanup index is one key for every target. */
    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();
    private final Platform core = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);

    private final EffectsService effects = new EffectsService(core.cache(), clock, 5, 100);
    private final String runTag = UUID.randomUUID().toString().substring(0, 8);

    /** What the job's overdue-credit count answers (the receipts service's in production). */
    private IntUnaryOperator overdue = limit -> 0;

    private ExpiredItemSweeper sweeper() {
        return new ExpiredItemSweeper(core.dynamoDb(), BatchWriter.builder(core.dynamoDb()).build(),
                core.cache(), clock, List.of(core.settings().usersTable(), core.settings().receiptsTable()));
    }

    private CleanupJob job(IntUnaryOperator pendingCredits, int targets, int scanned) {
        return new CleanupJob(effects, pendingCredits, sweeper(), new Services(core, effects).spendingCleanup()::run,
                new Services(core, effects).gamification().rebuild()::step, core.cache(), core.metrics(),
                new CleanupJob.Limits(targets, 10, scanned, Duration.ofSeconds(90), 10, 100), overdue);
    }

    /** Puts an item with {@code expiresAt} into the users table. */
    private void putUserItem(String pk, long expiresAtEpochSeconds) {
        core.dynamoDb().putItem(b -> b.tableName(core.settings().usersTable()).item(Map.of(
                "pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("TEMP"),
                "expiresAt", AttributeValue.fromN(Long.toString(expiresAtEpochSeconds)))));
    }

    private boolean userItemExists(String pk) {
        return core.dynamoDb().getItem(b -> b.tableName(core.settings().usersTable()).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("TEMP")))).hasItem();
    }

    @Test
    void run_shouldWorkThroughABacklogLargerThanOneRun_inBoundedRuns() {
        // GIVEN 30 users with expired effects, 1 with an active one, 60 expired items and 10 live ones,
        // and 25 pending credits that the receipts service completes 10 at a time
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String u = "cu-" + runTag + "-" + i;
            users.add(u);
            effects.trigger(new Caller(u, Set.of()), new TriggerEffectRequest("coin_earned", 2, null, null, null));
        }
        String active = "active-" + runTag;
        effects.trigger(new Caller(active, Set.of()), new TriggerEffectRequest("store_promo", 60, null, null, null));
        long now = clock.instant().getEpochSecond();
        for (int i = 0; i < 60; i++) {
            putUserItem("EXPIRED#" + i, now - 1);
        }
        for (int i = 0; i < 10; i++) {
            putUserItem("LIVE#" + i, now + 3600);
        }
        AtomicInteger pending = new AtomicInteger(25);
        IntUnaryOperator completePending = limit -> {
            int done = Math.min(limit, pending.get());
            pending.addAndGet(-done);
            return done;
        };
        clock.advance(Duration.ofSeconds(3));
        CleanupJob job = job(completePending, 12, 25);

        // WHEN cleanup runs until it says nothing is left (at most 10 runs)
        List<CleanupJob.Summary> runs = new ArrayList<>();
        do {
            runs.add(job.run());
        } while (runs.get(runs.size() - 1).moreWork() && runs.size() < 10);

        // THEN it took several runs, none beyond its bounds
        assertTrue(runs.size() >= 3, "a backlog larger than one run's bound takes several runs: " + runs);
        assertFalse(runs.get(runs.size() - 1).moreWork());
        for (CleanupJob.Summary s : runs) {
            assertTrue(s.effectTargetsVisited() <= 12, s.toString());
            assertTrue(s.itemsScanned() <= 2 * 25, s.toString());
            assertTrue(s.pendingCreditsCompleted() <= 10, s.toString());
            assertEquals(0, s.failedSteps());
        }
        // AND together they removed everything expired and nothing live
        assertEquals(30, runs.stream().mapToLong(CleanupJob.Summary::expiredEffectsRemoved).sum());
        assertEquals(60, runs.stream().mapToInt(CleanupJob.Summary::expiredItemsDeleted).sum());
        assertEquals(25, runs.stream().mapToInt(CleanupJob.Summary::pendingCreditsCompleted).sum());
        for (String u : users) {
            assertEquals(0, core.cache().sortedSize("mq:fx:{u:" + u + "}:active"), u);
        }
        assertEquals(1, effects.activeEffects(EffectTarget.user(active)).size());
        for (int i = 0; i < 60; i++) {
            assertFalse(userItemExists("EXPIRED#" + i));
        }
        for (int i = 0; i < 10; i++) {
            assertTrue(userItemExists("LIVE#" + i));
        }
        // AND a further run is a no-op (idempotent)
        CleanupJob.Summary again = job.run();
        assertEquals(0, again.expiredEffectsRemoved());
        assertEquals(0, again.expiredItemsDeleted());
        assertEquals(0, again.pendingCreditsCompleted());
    }

    @Test
    void run_shouldDoTheOtherSteps_whenOneStepFails() {
        // GIVEN an expired item and a pending-credit completion that fails
        putUserItem("EXPIRED#fail-" + runTag, clock.instant().getEpochSecond() - 10);
        CleanupJob job = job(limit -> { throw new IllegalStateException("receipts table unreachable"); }, 10, 1000);
        // WHEN cleanup runs
        CleanupJob.Summary summary = job.run();
        // THEN the failure is counted and the item is still deleted
        assertEquals(1, summary.failedSteps());
        assertFalse(userItemExists("EXPIRED#fail-" + runTag));
        assertEquals(summary.failedSteps(), (int) summary.toMap().get("failedSteps"));
    }

    @Test
    void run_shouldEmitThePendingCreditsStillOverdue_afterTheCompletionStep() throws Exception {
        // GIVEN 3 credits the completion step cannot finish (what the receipts service would count)
        List<String> order = new ArrayList<>();
        overdue = limit -> {
            order.add("overdue");
            return 3;
        };
        CleanupJob job = job(limit -> {
            order.add("complete");
            return 0;
        }, 10, 10);
        // WHEN cleanup runs
        EmfOutput out = EmfOutput.capture(job::run);
        // THEN the count comes after the completion, as PendingCreditsOverdue (the template's alarm)
        assertEquals(List.of("complete", "overdue"), order);
        JsonNode record = out.records().stream().filter(r -> r.has("PendingCreditsOverdue")).findFirst().orElseThrow();
        assertEquals(3, record.get("PendingCreditsOverdue").asInt());
    }

    @Test
    void run_shouldSkip_whileAnotherRunHoldsTheLock() {
        // GIVEN another run holding the lock
        core.cache().set(CleanupJob.LOCK_KEY, "other-run", Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();
        try {
            // WHEN cleanup runs THEN it skips without doing any step
            CleanupJob.Summary summary = job(limit -> calls.incrementAndGet(), 10, 10).run();
            assertTrue(summary.skipped());
            assertEquals(0, calls.get());
        } finally {
            core.cache().delete(CleanupJob.LOCK_KEY);
        }
        // AND once released, a run does its work and releases the lock itself
        assertFalse(job(limit -> calls.incrementAndGet(), 10, 10).run().skipped());
        assertEquals(1, calls.get());
        assertTrue(core.cache().get(CleanupJob.LOCK_KEY).isEmpty());
    }
}
