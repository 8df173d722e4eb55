package com.mallquest.core.platform.dynamo;

import com.mallquest.core.testing.TestStack;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** BatchReader against a real moto_server, through a proxy that counts calls and hands keys back unprocessed. */
class BatchReaderTest {

    private final TestStack stack = TestStack.empty("batch-reader", Instant.parse("2026-11-25T10:00:00Z"), Map.of());
    private final DynamoDbClient direct = stack.dynamo;
    private String users;
    private FaultyDynamoDbProxy proxy;
    private DynamoDbClient viaProxy;

    @BeforeEach
    void setUp() throws Exception {
        Map<String, String> environment = stack.env;
        users = environment.get("USERS_TABLE");
        proxy = new FaultyDynamoDbProxy(java.net.URI.create(environment.get("DYNAMODB_ENDPOINT")));
        viaProxy = proxy.productionClient(environment);
        List<BatchWrite> puts = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            puts.add(BatchWrite.put(users, Map.of("pk", s("USER#" + i), "sk", s("PROFILE"), "name", s("user " + i))));
        }
        assertEquals(250, BatchWriter.builder(direct).build().write(puts).written());
    }

    @AfterEach
    void tearDown() {
        viaProxy.close();
        proxy.close();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static List<Map<String, AttributeValue>> keys(int from, int to) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add(Map.of("pk", s("USER#" + i), "sk", s("PROFILE")));
        }
        return keys;
    }

    private static Set<String> names(List<Map<String, AttributeValue>> items) {
        Set<String> names = new HashSet<>();
        items.forEach(item -> names.add(item.get("name").s()));
        return names;
    }

    @Test
    void read_shouldSend3Calls_for250Keys_andReturnEveryItemThatExists() {
        // GIVEN 250 stored users, 250 keys of them plus 30 keys of nobody and 20 keys twice
        List<Map<String, AttributeValue>> keys = keys(0, 280);
        keys.addAll(keys(0, 20));
        // WHEN read
        List<Map<String, AttributeValue>> items = new BatchReader(viaProxy).read(users, keys, "#n", Map.of("#n", "name"));
        // THEN the 250 that exist, each once, projected; in 3 calls of at most 100 keys (280 distinct keys)
        assertEquals(250, items.size());
        assertEquals(250, names(items).size());
        assertEquals(Set.of("name"), items.get(0).keySet());
        assertEquals(3, proxy.batchGets());
    }

    @Test
    void read_shouldRetryUnprocessedKeys_untilEveryKeyIsRead() {
        // GIVEN an endpoint that reads only 30 keys of each of the next 6 calls and hands the rest back unprocessed
        proxy.readPartly(6, 30);
        // WHEN 250 keys are read
        List<Map<String, AttributeValue>> items = new BatchReader(viaProxy).read(users, keys(0, 250), null, Map.of());
        // THEN every item came back once, and the unprocessed keys cost extra calls (6 partial, then 100 a call)
        assertEquals(250, names(items).size());
        assertEquals(250, items.size());
        assertEquals(8, proxy.batchGets());
    }

    @Test
    void read_shouldFail_whenKeysStayUnprocessedAfterItsAttempts() {
        // GIVEN an endpoint that never reads more than 1 key a call
        proxy.readPartly(Integer.MAX_VALUE, 1);
        // WHEN 10 keys are read THEN an exception rather than an answer with items missing
        assertThrows(IllegalStateException.class, () -> new BatchReader(viaProxy).read(users, keys(0, 10), null, Map.of()));
        assertEquals(BatchReader.MAX_ATTEMPTS, proxy.batchGets());
    }
}
