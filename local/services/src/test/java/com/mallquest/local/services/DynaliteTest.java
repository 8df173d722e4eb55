package com.mallquest.local.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DynaliteTest {

    @Test
    void shared_shouldServeDynamoDbApi_andBeOnePerJvm() {
        // GIVEN the shared dynalite
        Dynalite dynalite = Dynalite.shared();

        // WHEN a client lists tables there
        try (DynamoDbClient client = dynalite.client()) {
            client.listTables();
        }

        // THEN it answers on a loopback port, and asking again gives the same instance
        assertTrue(dynalite.isRunning());
        assertEquals("127.0.0.1", dynalite.endpoint().getHost());
        assertSame(dynalite, Dynalite.shared());
    }

    @Test
    void restart_shouldKeepData_whenStartedWithDataDirectory(@TempDir Path dataDir) {
        // GIVEN a persistent dynalite holding one item
        try (Dynalite dynalite = Dynalite.start(dataDir); DynamoDbClient client = dynalite.client()) {
            createTable(client, "things");
            client.putItem(b -> b.tableName("things").item(Map.of("id", AttributeValue.fromS("a"), "n", AttributeValue.fromN("1"))));
            int port = dynalite.port();

            // WHEN it is killed (a crash) and restarted
            dynalite.kill();
            assertFalse(dynalite.isRunning());
            assertThrows(SdkClientException.class, client::listTables);
            dynalite.restart();

            // THEN it listens on the same port and the item is still there
            assertEquals(port, dynalite.port());
            Map<String, AttributeValue> item = client.getItem(b -> b.tableName("things").key(Map.of("id", AttributeValue.fromS("a")))).item();
            assertEquals("1", item.get("n").n());
        }
    }

    @Test
    void restart_shouldComeBackEmpty_whenInMemory() {
        // GIVEN an in-memory dynalite with a table
        try (Dynalite dynalite = Dynalite.start(); DynamoDbClient client = dynalite.client()) {
            createTable(client, "things");
            assertEquals(1, client.listTables().tableNames().size());

            // WHEN it is restarted
            dynalite.restart();

            // THEN it answers again, without the table
            assertTrue(dynalite.isRunning());
            assertTrue(client.listTables().tableNames().isEmpty());
        }
    }

    @Test
    void stop_shouldEndTheProcess() {
        // GIVEN a running dynalite
        Dynalite dynalite = Dynalite.start();
        assertTrue(dynalite.isRunning());

        // WHEN it is stopped
        dynalite.stop();

        // THEN the process is gone and nothing answers on its port
        assertFalse(dynalite.isRunning());
        try (DynamoDbClient client = dynalite.client()) {
            assertThrows(SdkClientException.class, client::listTables);
        }
    }

    @Test
    void launcher_shouldNameTheInstallCommand_whenDynaliteIsMissing(@TempDir Path missing) {
        // GIVEN DYNALITE_BIN pointing at nothing
        String previous = System.getProperty(Dynalite.BIN_VARIABLE);
        System.setProperty(Dynalite.BIN_VARIABLE, missing.resolve("dynalite").toString());
        try {
            // WHEN dynalite is looked up
            IllegalStateException error = assertThrows(IllegalStateException.class, Dynalite::launcher);

            // THEN the message says how to install it
            assertTrue(error.getMessage().contains(Dynalite.INSTALL_COMMAND), error.getMessage());
            assertTrue(error.getMessage().contains("Node.js"), error.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(Dynalite.BIN_VARIABLE);
            } else {
                System.setProperty(Dynalite.BIN_VARIABLE, previous);
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
