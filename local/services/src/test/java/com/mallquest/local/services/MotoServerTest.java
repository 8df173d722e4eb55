package com.mallquest.local.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** moto_server on a free port: one per JVM, stop, restart, the snapshot that keeps local data, the install hint. */
class MotoServerTest {

    @Test
    void shared_shouldServeDynamoDbApi_andBeOnePerJvm() {
        // GIVEN the shared moto_server
        MotoServer moto = MotoServer.shared();

        // WHEN a client lists tables there
        try (DynamoDbClient client = moto.client()) {
            client.listTables();
        }

        // THEN it answers on a loopback port, and asking again gives the same instance
        assertTrue(moto.isRunning());
        assertEquals("127.0.0.1", moto.endpoint().getHost());
        assertSame(moto, MotoServer.shared());
    }

    @Test
    void restart_shouldKeepData_whenStartedWithDataDirectory(@TempDir Path dataDir) {
        // GIVEN a moto_server with a snapshot directory, holding one item
        try (MotoServer moto = MotoServer.start(dataDir); DynamoDbClient client = moto.client()) {
            createTable(client, "things");
            client.putItem(b -> b.tableName("things").item(Map.of("id", AttributeValue.fromS("a"), "n", AttributeValue.fromN("1"))));
            int port = moto.port();

            // WHEN it is stopped (the snapshot is written) and started again
            moto.stop();
            assertFalse(moto.isRunning());
            assertThrows(SdkClientException.class, client::listTables);
            moto.restart();

            // THEN it listens on the same port and the item is still there
            assertEquals(port, moto.port());
            Map<String, AttributeValue> item = client.getItem(b -> b.tableName("things").key(Map.of("id", AttributeValue.fromS("a")))).item();
            assertEquals("1", item.get("n").n());
        }
    }

    @Test
    void restart_shouldKeepEveryAttributeTypeAndIndex_whenStartedWithDataDirectory(@TempDir Path dataDir) {
        // GIVEN a table with a global index and an item of every attribute type
        Map<String, AttributeValue> item = Map.of(
                "id", AttributeValue.fromS("a"), "g", AttributeValue.fromS("group"), "n", AttributeValue.fromN("1.5"),
                "b", AttributeValue.fromB(SdkBytes.fromUtf8String("bytes")), "t", AttributeValue.fromBool(true),
                "z", AttributeValue.fromNul(true), "ss", AttributeValue.fromSs(List.of("x", "y")), "ns", AttributeValue.fromNs(List.of("2", "3")),
                "l", AttributeValue.fromL(List.of(AttributeValue.fromS("e"), AttributeValue.fromN("4"))),
                "m", AttributeValue.fromM(Map.of("k", AttributeValue.fromM(Map.of("deep", AttributeValue.fromS("v"))))));
        try (MotoServer moto = MotoServer.start(dataDir); DynamoDbClient client = moto.client()) {
            client.createTable(b -> b.tableName("indexed").billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("g").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                    .globalSecondaryIndexes(i -> i.indexName("byGroup").keySchema(k -> k.attributeName("g").keyType(KeyType.HASH))
                            .projection(p -> p.projectionType(ProjectionType.ALL))));
            client.putItem(b -> b.tableName("indexed").item(item));

            // WHEN it is stopped and started again
            moto.restart();

            // THEN the item reads back equal, and through the index
            assertEquals(item, client.getItem(b -> b.tableName("indexed").key(Map.of("id", AttributeValue.fromS("a"))).consistentRead(true)).item());
            assertEquals(1, client.query(b -> b.tableName("indexed").indexName("byGroup").keyConditionExpression("g = :g")
                    .expressionAttributeValues(Map.of(":g", AttributeValue.fromS("group")))).count());
        }
    }

    @Test
    void restart_shouldLoseWhatChangedSinceTheSnapshot_whenKilled(@TempDir Path dataDir) {
        // GIVEN a snapshotted moto_server with one table, then an item written after the snapshot
        try (MotoServer moto = MotoServer.start(dataDir); DynamoDbClient client = moto.client()) {
            createTable(client, "things");
            moto.restart();
            client.putItem(b -> b.tableName("things").item(Map.of("id", AttributeValue.fromS("late"))));

            // WHEN it is killed (a crash: no snapshot) and started again
            moto.kill();
            moto.restart();

            // THEN the table of the snapshot is back, without the late item
            assertEquals(List.of("things"), client.listTables().tableNames());
            assertEquals(0, client.scan(b -> b.tableName("things")).count());
        }
    }

    @Test
    void restart_shouldComeBackEmpty_whenInMemory() {
        // GIVEN an in-memory moto_server with a table
        try (MotoServer moto = MotoServer.start(); DynamoDbClient client = moto.client()) {
            createTable(client, "things");
            assertEquals(1, client.listTables().tableNames().size());

            // WHEN it is restarted
            moto.restart();

            // THEN it answers again, without the table
            assertTrue(moto.isRunning());
            assertTrue(client.listTables().tableNames().isEmpty());
        }
    }

    @Test
    void stop_shouldEndTheProcess() {
        // GIVEN a running moto_server
        MotoServer moto = MotoServer.start();
        assertTrue(moto.isRunning());

        // WHEN it is stopped
        moto.stop();

        // THEN the process is gone and nothing answers on its port
        assertFalse(moto.isRunning());
        try (DynamoDbClient client = moto.client()) {
            assertThrows(SdkClientException.class, client::listTables);
        }
    }

    @Test
    void launcher_shouldNameTheInstallCommand_whenMotoServerIsMissing(@TempDir Path missing) {
        // GIVEN MOTO_SERVER_BIN pointing at nothing
        String previous = System.getProperty(MotoServer.BIN_VARIABLE);
        System.setProperty(MotoServer.BIN_VARIABLE, missing.resolve("moto_server").toString());
        try {
            // WHEN moto_server is looked up
            IllegalStateException error = assertThrows(IllegalStateException.class, MotoServer::launcher);

            // THEN the message says how to install it
            assertTrue(error.getMessage().contains(MotoServer.INSTALL_COMMAND), error.getMessage());
            assertTrue(error.getMessage().contains("moto_server"), error.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(MotoServer.BIN_VARIABLE);
            } else {
                System.setProperty(MotoServer.BIN_VARIABLE, previous);
            }
        }
    }

    private static void createTable(DynamoDbClient client, String name) {
        client.createTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH)));
        client.waiter().waitUntilTableExists(b -> b.tableName(name),
                o -> o.backoffStrategyV2(software.amazon.awssdk.retries.api.BackoffStrategy.fixedDelayWithoutJitter(java.time.Duration.ofMillis(50))));
    }
}
