package com.mallquest.local.services;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestBackendsTest {

    @Test
    void environment_shouldNameFreshEmptyTables_onTheSharedDynalite() {
        // GIVEN one test wrote into its tables
        Map<String, String> first = TestBackends.environment();
        DynamoDbClient dynamoDb = TestBackends.dynamoDb();
        dynamoDb.putItem(b -> b.tableName(first.get("USERS_TABLE")).item(Map.of(
                "pk", AttributeValue.fromS("USER#1"), "sk", AttributeValue.fromS("PROFILE"))));

        // WHEN another environment is asked for
        Map<String, String> second = TestBackends.environment();

        // THEN it has every variable a function needs, pointing at other, empty tables on the shared dynalite
        assertEquals(Dynalite.shared().endpoint().toString(), second.get("DYNAMODB_ENDPOINT"));
        assertEquals("us-east-1", second.get("AWS_REGION"));
        for (String variable : new String[] {"USERS_TABLE", "RECEIPTS_TABLE", "STORES_TABLE"}) {
            assertTrue(second.containsKey(variable), variable);
            assertNotEquals(first.get(variable), second.get(variable));
            assertEquals(0, dynamoDb.scan(b -> b.tableName(second.get(variable))).count(), variable);
        }
        assertEquals(1, dynamoDb.scan(b -> b.tableName(first.get("USERS_TABLE"))).count());
        assertTrue(second.get("RECEIPTS_TABLE").endsWith("ReceiptsTable"));
    }
}
