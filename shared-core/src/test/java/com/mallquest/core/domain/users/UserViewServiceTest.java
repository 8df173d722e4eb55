package com.mallquest.core.domain.users;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.DomainErrors;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.ActivityPage;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.RecordingDynamoDb;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user view against moto_server and real redis-servers. "Containers" are separate {@link Platform}
 * instances sharing the tables (and Redis, when configured) but each with its own memory.
 */
class UserViewServiceTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final String alice = "alice-" + UUID.randomUUID();
    private final Caller aliceCaller = new Caller(alice, Set.of());
    private final Caller admin = new Caller("admin-" + UUID.randomUUID(), Set.of("admin"));
    private int credits;

    /** A container: its own cache and clients over {@code env}, on the test clock. */
    private Platform container(Map<String, String> env) {
        return TestStack.withClock(Platform.fromEnvironment(env), clock);
    }

    /** The settings of fresh tables (and {@code settings}) for {@link #container}. */
    private Map<String, String> tables(Map<String, String> settings) {
        return new HashMap<>(TestStack.empty("users", clock.instant(), settings).env);
    }

    private void credit(Platform core, String userId, long coins, long xp) {
        new Services(core).ledger().credit(new Credit(userId, "test:" + (++credits) + ":" + UUID.randomUUID(), coins, xp,
                CreditKind.RECEIPT, Map.of("storeId", "s-" + credits)));
    }

    private static Map<String, String> withSettings(Map<String, String> env, String... pairs) {
        Map<String, String> copy = new HashMap<>(env);
        for (int i = 0; i < pairs.length; i += 2) {
            copy.put(pairs[i], pairs[i + 1]);
        }
        return copy;
    }

    /** Read-your-writes across two containers: A caches, B writes, A must show B's write at once. */
    private void assertReadsOwnWritesAcrossContainers(Map<String, String> env, Cache.Mode expectedMode) {
        Platform reader = container(env);
        Platform writer = container(env);
        UserViewService readerUsers = new Services(reader).users();
        // GIVEN alice with 100 coins, viewed once by the reader (a miss that fills the cache) and again (a hit)
        credit(writer, alice, 100, 50);
        UserView first = readerUsers.view(aliceCaller, alice);
        assertEquals(100, first.coins());
        assertFalse(first.cache().hit());
        UserView second = readerUsers.view(aliceCaller, alice);
        assertTrue(second.cache().hit(), "the second read is served from the cache");
        assertEquals(expectedMode.name(), second.cache().mode());
        // WHEN another container credits 25 coins
        credit(writer, alice, 25, 10);
        // THEN the reader shows 125 right away, with the new entry on top of the recent activity
        UserView after = readerUsers.view(aliceCaller, alice);
        assertEquals(125, after.coins());
        assertEquals(60, after.xp());
        assertFalse(after.cache().hit());
        assertEquals(2, after.recentActivity().size());
        assertEquals(25, after.recentActivity().get(0).coins());
        assertEquals(2, after.counts().receiptsCredited());
        // AND the next read is a hit again with the same figures
        UserView again = readerUsers.view(aliceCaller, alice);
        assertTrue(again.cache().hit());
        assertEquals(125, again.coins());
    }

    @Test
    void view_shouldReadOwnWrites_acrossContainers_throughRedis() {
        assertReadsOwnWritesAcrossContainers(tables(TestStack.sharedRedis()), Cache.Mode.REDIS);
    }

    @Test
    void view_shouldReadOwnWrites_acrossContainers_inMemoryMode() {
        // Each container has its own memory: the writer's invalidation never reaches the reader's copy.
        assertReadsOwnWritesAcrossContainers(tables(Map.of()), Cache.Mode.MEMORY);
    }

    @Test
    void view_shouldReadOwnWrites_whenTheWriterCannotReachRedis() {
        // GIVEN a reader on Redis and a writer cut off from it (its delete only reaches its own memory)
        Map<String, String> env = tables(TestStack.sharedRedis());
        Platform reader = container(env);
        Platform writer = container(withSettings(env, "REDIS_URL", "redis://127.0.0.1:" + deadPort(),
                "REDIS_TIMEOUT_MS", "100"));
        UserViewService readerUsers = new Services(reader).users();
        credit(reader, alice, 10, 10);
        readerUsers.view(aliceCaller, alice);
        assertTrue(readerUsers.view(aliceCaller, alice).cache().hit(), "view cached in Redis");
        // WHEN the cut-off writer credits
        credit(writer, alice, 5, 5);
        assertEquals(Cache.Mode.MEMORY_FALLBACK, writer.cache().mode());
        // THEN the reader does not serve the Redis entry that the writer could not delete
        UserView view = readerUsers.view(aliceCaller, alice);
        assertEquals(15, view.coins());
        assertFalse(view.cache().hit());
    }

    @Test
    void view_shouldReadOwnWrites_whenRedisDiesBetweenAWriteAndARead() {
        RedisServer redis = RedisServer.start();
        try {
            Map<String, String> env = withSettings(tables(Map.of()), "REDIS_URL", redis.uri().toString(),
                    "REDIS_TIMEOUT_MS", "200", "REDIS_RETRY_INTERVAL_MS", "60000");
            Platform reader = container(env);
            Platform writer = container(env);
            UserViewService readerUsers = new Services(reader).users();
            // GIVEN a view cached in Redis
            credit(writer, alice, 40, 40);
            readerUsers.view(aliceCaller, alice);
            assertTrue(readerUsers.view(aliceCaller, alice).cache().hit());
            // WHEN a credit lands, then Redis dies before the next read
            credit(writer, alice, 2, 2);
            redis.kill();
            // THEN the read (now from memory) shows the credit
            UserView afterKill = readerUsers.view(aliceCaller, alice);
            assertEquals(42, afterKill.coins());
            assertEquals(Cache.Mode.MEMORY_FALLBACK.name(), afterKill.cache().mode());
            // AND while both containers are on their own memory, a write by one is read by the other
            assertTrue(readerUsers.view(aliceCaller, alice).cache().hit(), "cached in the reader's memory");
            credit(writer, alice, 3, 3);
            assertEquals(Cache.Mode.MEMORY_FALLBACK, writer.cache().mode());
            UserView duringOutage = readerUsers.view(aliceCaller, alice);
            assertEquals(45, duringOutage.coins());
            assertFalse(duringOutage.cache().hit());
        } finally {
            redis.stop();
        }
    }

    @Test
    void view_shouldEnforceSelfOrAdmin_andTellUnknownUsersApartOnlyForAdmins() {
        Platform core = container(tables(Map.of()));
        UserViewService users = new Services(core).users();
        String bob = "bob-" + UUID.randomUUID();
        String ghost = "ghost-" + UUID.randomUUID();
        credit(core, bob, 7, 7);
        // a user reading another user: 403, the same answer for an existing and an unknown one
        DomainException existing = assertThrows(DomainException.class, () -> users.view(aliceCaller, bob));
        DomainException unknown = assertThrows(DomainException.class, () -> users.view(aliceCaller, ghost));
        assertEquals(403, DomainErrors.status(existing.kind()));
        assertEquals(403, DomainErrors.status(unknown.kind()));
        assertEquals(existing.getMessage(), unknown.getMessage());
        assertThrows(DomainException.class, () -> users.activity(aliceCaller, bob, 10, null));
        // an admin reads anyone; an unknown user is 404 for an admin
        assertEquals(7, users.view(admin, bob).coins());
        assertEquals(404, DomainErrors.status(assertThrows(DomainException.class, () -> users.view(admin, ghost)).kind()));
        assertEquals(1, users.activity(admin, bob, 10, null).entries().size());
        // a user reading itself before its first credit: an empty level-1 view
        UserView empty = users.view(aliceCaller, alice);
        assertEquals(0, empty.coins());
        assertEquals(1, empty.level());
        assertEquals(0, empty.version());
        assertTrue(empty.recentActivity().isEmpty());
        assertEquals(1, empty.progress().level());
    }

    @Test
    void view_shouldAllowExactlyTheReadLimit_thenAnswer429WithRetryAfter() {
        // GIVEN a read limit of 3 per 60 s and a clock 20 s into a window
        clock.set(Instant.parse("2026-11-25T10:00:20Z"));
        Platform core = container(withSettings(tables(TestStack.sharedRedis()), "USER_READ_RATE_LIMIT", "3/60s"));
        UserViewService users = new Services(core).users();
        // WHEN alice reads 3 times THEN all pass
        for (int i = 0; i < 3; i++) {
            users.view(aliceCaller, alice);
        }
        // AND the 4th is 429 with Retry-After = the 40 s left in the window
        DomainException limited = assertThrows(DomainException.class, () -> users.view(aliceCaller, alice));
        assertEquals(429, DomainErrors.status(limited.kind()));
        assertEquals("40", DomainErrors.response(limited).headers().get("Retry-After"));
        // AND another caller still reads (the limit is per caller), as does alice in the next window
        Caller carol = new Caller("carol-" + UUID.randomUUID(), Set.of());
        users.view(carol, carol.userId());
        clock.set(Instant.parse("2026-11-25T10:01:00Z"));
        users.view(aliceCaller, alice);
    }

    @Test
    void activity_shouldPageNewestFirst_withCursor() {
        Platform core = container(tables(Map.of()));
        UserViewService users = new Services(core).users();
        for (int i = 1; i <= 7; i++) {
            clock.set(Instant.parse("2026-11-25T10:00:00Z").plusSeconds(i));
            credit(core, alice, i, 1);
        }
        List<Long> coins = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ActivityPage page = users.activity(aliceCaller, alice, 3, cursor);
            page.entries().forEach(e -> coins.add(e.coins()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(List.of(7L, 6L, 5L, 4L, 3L, 2L, 1L), coins);
        assertEquals(3, pages);
        // AND the view shows the 5 most recent and the level progress
        UserView view = users.view(aliceCaller, alice);
        assertEquals(UserViewService.RECENT_ACTIVITY, view.recentActivity().size());
        assertEquals(7, view.recentActivity().get(0).coins());
        assertEquals("receipt", view.recentActivity().get(0).kind());
        assertEquals(7, view.progress().xp());
        assertFalse(view.cache().hit(), "the first read builds the view");
    }

    @Test
    void view_shouldReadTheRecentActivityConsistently_beforeCachingIt() {
        // GIVEN a container whose DynamoDB requests are recorded, and a credited user
        Platform plain = container(tables(TestStack.sharedRedis()));
        RecordingDynamoDb recording = new RecordingDynamoDb(plain.dynamoDb());
        Platform core = TestStack.withDynamoDb(plain, recording.client());
        credit(core, alice, 3, 3);
        recording.clear();
        // WHEN the view is built and cached (a miss)
        assertFalse(new Services(core).users().view(aliceCaller, alice).cache().hit());
        // THEN every read behind it is strongly consistent: a view missing the newest entry is never cached
        List<QueryRequest> queries = recording.requests(QueryRequest.class);
        assertEquals(1, queries.size());
        assertEquals(Boolean.TRUE, queries.get(0).consistentRead(), "the recent-activity query");
        recording.requests(GetItemRequest.class).forEach(get ->
                assertEquals(Boolean.TRUE, get.consistentRead(), "GetItem " + get.key()));
        var batches = recording.requests(software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest.class);
        assertEquals(1, batches.size(), "the version stamp and the gamification record, in one read");
        batches.get(0).requestItems().values().forEach(keys ->
                assertEquals(Boolean.TRUE, keys.consistentRead(), "BatchGetItem " + keys.keys()));
    }

    @Test
    void view_shouldCostOneSmallRead_onAHit_versusThreeCalls_onAMiss() {
        // GIVEN a container whose DynamoDB calls are counted
        Platform plain = container(tables(TestStack.sharedRedis()));
        List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        software.amazon.awssdk.services.dynamodb.DynamoDbClient real = plain.dynamoDb();
        var counting = (software.amazon.awssdk.services.dynamodb.DynamoDbClient) java.lang.reflect.Proxy.newProxyInstance(
                real.getClass().getClassLoader(), new Class<?>[] {software.amazon.awssdk.services.dynamodb.DynamoDbClient.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Platform core = TestStack.withDynamoDb(plain, counting);
        credit(core, alice, 3, 3);
        UserViewService users = new Services(core).users();
        // WHEN the view is built (a miss) THEN: the version check (batched with the gamification record), the
        // account and the activity query
        calls.clear();
        assertFalse(users.view(aliceCaller, alice).cache().hit());
        assertEquals(List.of("batchGetItem", "getItem", "query"), calls);
        // WHEN it is read again (a hit) THEN only the version check reaches DynamoDB
        calls.clear();
        assertTrue(users.view(aliceCaller, alice).cache().hit());
        assertEquals(List.of("batchGetItem"), calls);
    }

    private static int deadPort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
