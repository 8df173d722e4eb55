package com.mallquest.core.platform.dynamo;

import com.mallquest.core.testing.TestStack;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static com.mallquest.core.platform.dynamo.FaultyDynamoDbProxy.PASS;
import static com.mallquest.core.platform.dynamo.FaultyDynamoDbProxy.THROTTLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BatchWriter against a real moto_server, through a proxy that counts calls and injects faults. */
class BatchWriterTest {

    private final TestStack stack = TestStack.empty("batch-writer", Instant.parse("2026-11-25T10:00:00Z"), Map.of());
    private final DynamoDbClient direct = stack.dynamo;
    private final Map<String, String> environment = stack.env;
    private String users;
    private String stores;
    private FaultyDynamoDbProxy proxy;
    private DynamoDbClient viaProxy;

    @BeforeEach
    void setUp() throws Exception {
        users = environment.get("USERS_TABLE");
        stores = environment.get("STORES_TABLE");
        proxy = new FaultyDynamoDbProxy(java.net.URI.create(environment.get("DYNAMODB_ENDPOINT")));
        viaProxy = proxy.productionClient(environment); // the production client, pointed at the proxy
    }

    @AfterEach
    void tearDown() {
        viaProxy.close();
        proxy.close();
    }

    private BatchWriter.Builder writer() {
        return BatchWriter.builder(viaProxy).baseDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(20));
    }

    @Test
    void write_shouldSend40Calls_for1000Puts_andAllLand() {
        // GIVEN 1,000 puts and an endpoint that never throttles
        List<BatchWrite> puts = userPuts(1_000);

        // WHEN they are written
        BatchWriteResult result = writer().build().write(puts);

        // THEN 40 BatchWriteItem calls (40 HTTP requests) wrote all 1,000, each readable with its values
        assertEquals(new BatchWriteResult(1_000, 1_000, List.of(), 40, 40), result);
        assertTrue(result.allWritten());
        assertEquals(40, proxy.batchRequests());
        assertEquals(storedUsers(), expectedUsers(1_000));
    }

    @Test
    void write_shouldApplyPutsAndDeletes_acrossTables() {
        // GIVEN 30 existing users
        assertTrue(writer().build().write(userPuts(30)).allWritten());
        List<BatchWrite> writes = new ArrayList<>();
        // AND deletes of users 0..19, updates of users 20..29 and puts of 40 stores
        for (int i = 0; i < 20; i++) {
            writes.add(BatchWrite.delete(users, Map.of("pk", s("USER#" + i), "sk", s("PROFILE"))));
        }
        for (int i = 20; i < 30; i++) {
            writes.add(BatchWrite.put(users, Map.of("pk", s("USER#" + i), "sk", s("PROFILE"), "coins", n(1000 + i))));
        }
        for (int i = 0; i < 40; i++) {
            writes.add(BatchWrite.put(stores, Map.of("storeId", s("S" + i), "name", s("Store " + i))));
        }

        // WHEN they are written in one call
        BatchWriteResult result = writer().build().write(writes);

        // THEN 3 calls applied all 70: users 20..29 remain with new coins, 40 stores exist
        assertEquals(new BatchWriteResult(70, 70, List.of(), 3, 3), result);
        Map<String, String> expected = new HashMap<>();
        for (int i = 20; i < 30; i++) {
            expected.put("USER#" + i, Integer.toString(1000 + i));
        }
        assertEquals(expected, storedUsers());
        assertEquals(40, direct.scan(b -> b.tableName(stores)).count());
    }

    @Test
    void write_shouldRefuseTheWholeBatch_whenTwoWritesAddressOneItem_evenInDifferentChunks() {
        // GIVEN 30 writes where the 28th deletes the item the 3rd puts (they would fall in different chunks)
        List<BatchWrite> writes = new ArrayList<>(userPuts(27));
        writes.add(BatchWrite.delete(users, Map.of("sk", s("PROFILE"), "pk", s("USER#2"))));
        writes.addAll(userPuts(30).subList(27, 29));

        // WHEN they are written
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> writer().build().write(writes));

        // THEN the duplicate is named and nothing was written
        assertTrue(error.getMessage().contains("USER#2"), error.getMessage());
        assertEquals(0, proxy.batchRequests());
        assertEquals(0, direct.scan(b -> b.tableName(users)).count());
    }

    @Test
    void write_shouldRefuse_whenAPutLacksAKeyAttribute() {
        // GIVEN a put without the sort key WHEN written THEN refused naming the attribute, nothing sent
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> writer().build().write(List.of(BatchWrite.put(users, Map.of("pk", s("USER#1"))))));
        assertTrue(error.getMessage().contains("sk"), error.getMessage());
        assertEquals(0, proxy.batchRequests());
    }

    @Test
    void write_shouldLandEveryItemExactlyOnce_whenCallsAreThrottledOrPartlyUnprocessed() {
        // GIVEN an endpoint where of every 4 BatchWriteItem requests one is throttled, one processes 7 writes,
        // one processes 1 write and one passes
        proxy.plan(i -> switch (i % 4) {
            case 0 -> new FaultyDynamoDbProxy.ProcessFirst(7);
            case 1 -> THROTTLE;
            case 2 -> new FaultyDynamoDbProxy.ProcessFirst(1);
            default -> PASS;
        });
        List<BatchWrite> puts = userPuts(200);

        // WHEN 200 puts are written
        BatchWriteResult result = writer().maxAttempts(50).build().write(puts);

        // THEN all are reported written, every one reached moto_server exactly once and reads back
        assertTrue(result.allWritten(), result.failures().toString());
        assertEquals(200, result.written());
        assertEquals(200, proxy.forwarded().size());
        assertTrue(proxy.forwarded().values().stream().allMatch(count -> count.get() == 1), "a write was forwarded twice");
        assertEquals(expectedUsers(200), storedUsers());
        // AND the result counts every HTTP request, the SDK's retries of throttled calls included
        assertEquals(proxy.batchRequests(), result.requests());
        assertTrue(result.requests() > result.calls(), "throttled calls are retried inside the SDK: " + result);
        assertTrue(result.calls() > 8, "unprocessed items take further calls: " + result);
    }

    @Test
    void write_shouldReportEachStuckWrite_whenItStaysUnprocessedThroughEveryAttempt() {
        // GIVEN an endpoint that never processes users 5 and 30 (one in each chunk of 25)
        proxy.stuck(write -> write.contains("\"USER#5\"") || write.contains("\"USER#30\""));

        // WHEN 40 puts are written with at most 3 calls per chunk
        BatchWriteResult result = writer().maxAttempts(3).build().write(userPuts(40));

        // THEN the two are reported with their reason and attempts; the other 38 landed
        assertFalse(result.allWritten());
        assertEquals(38, result.written());
        assertEquals(Set.of("USER#5", "USER#30"), result.failures().stream()
                .map(f -> f.write().attributes().get("pk").s()).collect(Collectors.toSet()));
        for (BatchWriteResult.Failure failure : result.failures()) {
            assertEquals(3, failure.attempts());
            assertTrue(failure.reason().contains("unprocessed"), failure.reason());
            assertFalse(failure.write().delete());
            int user = Integer.parseInt(failure.write().attributes().get("pk").s().substring("USER#".length()));
            assertEquals(Integer.toString(user * 10 + 5), failure.write().attributes().get("coins").n()); // the whole put, values included
        }
        assertEquals(38, storedUsers().size());
        // AND each chunk took its 3 calls
        assertEquals(6, result.calls());
    }

    @Test
    void write_shouldReportEveryWrite_whenThrottlingOutlastsAllRetries() {
        // GIVEN an endpoint that throttles every call
        proxy.plan(i -> THROTTLE);

        // WHEN 30 puts are written with 2 calls per chunk and 3 HTTP attempts per call
        BatchWriteResult result = writer().maxAttempts(2).callAttempts(3).build().write(userPuts(30));

        // THEN none is written, each of the 30 is reported as throttled, after 2 chunks x 2 calls x 3 requests
        assertEquals(0, result.written());
        assertEquals(30, result.failures().size());
        assertTrue(result.failures().stream().allMatch(f -> f.reason().startsWith("throttled") && f.attempts() == 2), result.failures().toString());
        assertEquals(4, result.calls());
        assertEquals(12, result.requests());
        assertEquals(12, proxy.batchRequests());
        assertEquals(0, direct.scan(b -> b.tableName(users)).count());
    }

    @Test
    void write_shouldReportTheChunkOfAMissingTable_andWriteTheOthers() {
        // GIVEN 25 puts to the users table and 5 to a table that does not exist (key schema declared)
        List<BatchWrite> writes = new ArrayList<>(userPuts(25));
        for (int i = 0; i < 5; i++) {
            writes.add(BatchWrite.put("no-such-table", Map.of("id", s("x" + i))));
        }

        // WHEN they are written
        BatchWriteResult result = writer().keySchema("no-such-table", "id").build().write(writes);

        // THEN the 25 landed, the 5 are reported with DynamoDB's error after a single call (not retryable)
        assertEquals(25, result.written());
        assertEquals(5, result.failures().size());
        assertTrue(result.failures().stream().allMatch(f -> f.attempts() == 1 && f.reason().contains("ResourceNotFound")),
                result.failures().toString());
        assertEquals(expectedUsers(25), storedUsers());
    }

    @Test
    void write_shouldReportEveryWrite_whenTheEndpointIsUnreachable() {
        // GIVEN an endpoint nobody listens on any more
        proxy.close();

        // WHEN 30 puts are written with 2 calls per chunk and 1 HTTP attempt per call
        BatchWriteResult result = writer().keySchema(users, "pk", "sk").maxAttempts(2).callAttempts(1).build().write(userPuts(30));

        // THEN nothing is thrown: each write is reported with the I/O failure, after the writer's 2 calls per chunk
        assertEquals(0, result.written());
        assertEquals(30, result.failures().size());
        assertTrue(result.failures().stream().allMatch(f -> f.attempts() == 2 && f.reason().startsWith("SdkClientException")),
                result.failures().toString());
        assertEquals(4, result.calls());
    }

    @Test
    void write_shouldRunChunksInParallel_upToTheBound() {
        // GIVEN an endpoint holding each call 30 ms and a writer running up to 4 chunks at a time
        proxy.delay(30);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            BatchWriter writer = writer().parallel(pool, 4).build();

            // WHEN 500 puts are written, with some calls partly unprocessed
            proxy.plan(i -> i % 5 == 0 ? new FaultyDynamoDbProxy.ProcessFirst(10) : PASS);
            BatchWriteResult result = writer.write(userPuts(500));

            // THEN all landed once, and 2 to 4 calls were in flight at the same time, never more
            assertTrue(result.allWritten(), result.failures().toString());
            assertEquals(expectedUsers(500), storedUsers());
            assertTrue(proxy.forwarded().values().stream().allMatch(count -> count.get() == 1));
            assertTrue(proxy.maxInFlight() >= 2 && proxy.maxInFlight() <= 4, "max in flight " + proxy.maxInFlight());
        } finally {
            pool.shutdownNow();
        }
    }

    private List<BatchWrite> userPuts(int count) {
        List<BatchWrite> puts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            puts.add(BatchWrite.put(users, Map.of("pk", s("USER#" + i), "sk", s("PROFILE"), "coins", n(i * 10 + 5))));
        }
        return puts;
    }

    private static Map<String, String> expectedUsers(int count) {
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < count; i++) {
            expected.put("USER#" + i, Integer.toString(i * 10 + 5));
        }
        return expected;
    }

    /** Every user in the table: pk to coins, read directly from moto_server. */
    private Map<String, String> storedUsers() {
        Map<String, String> stored = new HashMap<>();
        Set<String> seen = new HashSet<>();
        direct.scanPaginator(b -> b.tableName(users)).items().forEach(item -> {
            assertTrue(seen.add(item.get("pk").s()));
            stored.put(item.get("pk").s(), item.get("coins").n());
        });
        return stored;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(int value) {
        return AttributeValue.fromN(Integer.toString(value));
    }

}
