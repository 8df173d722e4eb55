package com.mallquest.local.testsupport;

import com.mallquest.local.services.MotoServer;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestBackendsTest {

    @Test
    void environment_shouldNameFreshEmptyTables_onTheSharedMotoServer() {
        // GIVEN one test wrote into its tables
        Map<String, String> first = TestBackends.environment();
        DynamoDbClient dynamoDb = TestBackends.dynamoDb();
        dynamoDb.putItem(b -> b.tableName(first.get("USERS_TABLE")).item(Map.of(
                "pk", AttributeValue.fromS("USER#1"), "sk", AttributeValue.fromS("PROFILE"))));

        // WHEN another environment is asked for
        Map<String, String> second = TestBackends.environment();

        // THEN it has every variable a function needs, pointing at other, empty tables on the shared moto_server
        assertEquals(MotoServer.shared().endpoint().toString(), second.get("DYNAMODB_ENDPOINT"));
        assertEquals("us-east-1", second.get("AWS_REGION"));
        for (String variable : new String[] {"USERS_TABLE", "RECEIPTS_TABLE", "STORES_TABLE"}) {
            assertTrue(second.containsKey(variable), variable);
            assertNotEquals(first.get(variable), second.get(variable));
            assertEquals(0, dynamoDb.scan(b -> b.tableName(second.get(variable))).count(), variable);
        }
        assertEquals(1, dynamoDb.scan(b -> b.tableName(first.get("USERS_TABLE"))).count());
        assertTrue(second.get("RECEIPTS_TABLE").endsWith("ReceiptsTable"));
    }

    @Test
    void environmentWithRedis_shouldAddTheSharedRedisUrl() throws Exception {
        // GIVEN / WHEN an environment with Redis is asked for
        Map<String, String> environment = TestBackends.environmentWithRedis();

        // THEN REDIS_URL names the shared redis-server, which answers PING there
        java.net.URI uri = java.net.URI.create(environment.get("REDIS_URL"));
        assertEquals(RedisServer.shared().uri(), uri);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] reply = new byte[7];
            int read = socket.getInputStream().readNBytes(reply, 0, 7);
            assertEquals("+PONG\r\n", new String(reply, 0, read, java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertTrue(environment.containsKey("USERS_TABLE"));
    }
}
