package com.mallquest.local.services;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableProvisionerTest {

    private static final SamTemplate TEMPLATE = SamTemplate.load(RepositoryRoot.template());
    private final DynamoDbClient dynamoDb = MotoServer.shared().client();

    @Test
    void provision_shouldCreateTheTemplatesTables_withTheirKeysAndIndexes() {
        // GIVEN a fresh prefix
        String prefix = "tp-" + UUID.randomUUID().toString().substring(0, 8) + "-";

        // WHEN the template's tables are provisioned
        Map<String, String> tables = new TableProvisioner(dynamoDb).provision(TEMPLATE, prefix);

        // THEN every table exists, ACTIVE, with the template's keys, billing mode and GSI
        assertEquals(Map.of("UsersTable", prefix + "UsersTable", "ReceiptsTable", prefix + "ReceiptsTable",
                "StoresTable", prefix + "StoresTable", "AuditTable", prefix + "AuditTable", "CampaignsTable", prefix + "CampaignsTable",
                "SpendingTable", prefix + "SpendingTable"),
                tables);
        TableDescription users = describe(tables.get("UsersTable"));
        assertEquals(TableStatus.ACTIVE, users.tableStatus());
        assertEquals(List.of(key("pk", KeyType.HASH), key("sk", KeyType.RANGE)), users.keySchema());
        assertEquals(BillingMode.PAY_PER_REQUEST, users.billingModeSummary().billingMode());
        // (no pending-index any more: a credit is one transaction, nothing of it is left pending)
        assertEquals(List.of("totals-index"),
                users.globalSecondaryIndexes().stream().map(GlobalSecondaryIndexDescription::indexName).sorted().toList());
        GlobalSecondaryIndexDescription totals = users.globalSecondaryIndexes().stream()
                .filter(i -> i.indexName().equals("totals-index")).findFirst().orElseThrow();
        assertEquals(List.of(key("periodShard", KeyType.HASH), key("userId", KeyType.RANGE)), totals.keySchema());
        assertEquals(List.of(key("storeId", KeyType.HASH)), describe(tables.get("StoresTable")).keySchema());
        TableDescription receipts = describe(tables.get("ReceiptsTable"));
        assertEquals(List.of(key("pk", KeyType.HASH)), receipts.keySchema());
        assertEquals(List.of("pending-index", "review-index"),
                receipts.globalSecondaryIndexes().stream().map(GlobalSecondaryIndexDescription::indexName).sorted().toList());
        GlobalSecondaryIndexDescription pending = receipts.globalSecondaryIndexes().stream()
                .filter(i -> i.indexName().equals("pending-index")).findFirst().orElseThrow();
        assertEquals(List.of("due-index", "owner-index"), describe(tables.get("SpendingTable")).globalSecondaryIndexes().stream()
                .map(GlobalSecondaryIndexDescription::indexName).sorted().toList());
        assertEquals("pending-index", pending.indexName());
        assertEquals(List.of(key("pendingShard", KeyType.HASH), key("pendingSince", KeyType.RANGE)), pending.keySchema());
        assertEquals(ProjectionType.ALL, pending.projection().projectionType());
        // AND the index answers queries
        dynamoDb.putItem(b -> b.tableName(tables.get("ReceiptsTable")).item(Map.of(
                "pk", AttributeValue.fromS("R#1"), "pendingShard", AttributeValue.fromS("3"),
                "pendingSince", AttributeValue.fromS("2026-01-01T00:00:00Z"), "amount", AttributeValue.fromN("12"))));
        List<Map<String, AttributeValue>> found = dynamoDb.query(b -> b.tableName(tables.get("ReceiptsTable")).indexName("pending-index")
                .keyConditionExpression("pendingShard = :s").expressionAttributeValues(Map.of(":s", AttributeValue.fromS("3")))).items();
        assertEquals("12", found.get(0).get("amount").n());
    }

    @Test
    void provision_shouldKeepExistingTablesAndData_whenRunTwice() {
        // GIVEN provisioned tables holding an item
        String prefix = "tp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        TableProvisioner provisioner = new TableProvisioner(dynamoDb);
        Map<String, String> first = provisioner.provision(TEMPLATE, prefix);
        Map<String, AttributeValue> key = Map.of("storeId", AttributeValue.fromS("s1"));
        dynamoDb.putItem(b -> b.tableName(first.get("StoresTable")).item(key));

        // WHEN provisioning runs again with the same prefix
        Map<String, String> second = provisioner.provision(TEMPLATE, prefix);

        // THEN it succeeds with the same names and the data is untouched
        assertEquals(first, second);
        assertEquals(key, dynamoDb.getItem(b -> b.tableName(second.get("StoresTable")).key(key)).item());
    }

    @Test
    void provision_shouldRefuseAnExistingTable_whoseIndexesAreNotTheTemplates() {
        // GIVEN a ReceiptsTable made by an older template: the same key, but without its pending-index
        String prefix = "tp-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        SamTemplate.Resource receipts = TEMPLATE.resourcesOfType(TableProvisioner.TABLE_TYPE).get("ReceiptsTable");
        CreateTableRequest current = TableProvisioner.createTableRequest(receipts, prefix);
        List<GlobalSecondaryIndex> older = current.globalSecondaryIndexes().stream()
                .filter(i -> !i.indexName().equals("pending-index")).toList();
        Set<String> used = new HashSet<>();
        current.keySchema().forEach(k -> used.add(k.attributeName()));
        older.forEach(i -> i.keySchema().forEach(k -> used.add(k.attributeName())));
        dynamoDb.createTable(current.toBuilder().globalSecondaryIndexes(older) // DynamoDB refuses attributes no key uses
                .attributeDefinitions(current.attributeDefinitions().stream().filter(a -> used.contains(a.attributeName())).toList()).build());

        // WHEN the template's tables are provisioned with that prefix
        TableProvisioner.TableLayoutMismatch refused = assertThrows(TableProvisioner.TableLayoutMismatch.class,
                () -> new TableProvisioner(dynamoDb).provision(TEMPLATE, prefix));

        // THEN the refusal names the table and the missing index
        assertEquals(prefix + "ReceiptsTable", refused.table());
        assertTrue(refused.getMessage().contains("index pending-index is missing"), refused.getMessage());
    }

    @Test
    void layoutDifference_shouldNameAChangedKeyAndAnIndexTheTemplateDropped() {
        // GIVEN the template's StoresTable request (key storeId, no index)
        CreateTableRequest stores = TableProvisioner.createTableRequest(
                TEMPLATE.resourcesOfType(TableProvisioner.TABLE_TYPE).get("StoresTable"), "x-");
        TableDescription same = TableDescription.builder().keySchema(key("storeId", KeyType.HASH)).build();

        // THEN the same layout has no difference; another key or an extra index has one
        assertNull(TableProvisioner.layoutDifference(stores, same));
        assertEquals("key schema [pk HASH], template [storeId HASH]", TableProvisioner.layoutDifference(stores,
                TableDescription.builder().keySchema(key("pk", KeyType.HASH)).build()));
        assertEquals("index old-index is not in the template", TableProvisioner.layoutDifference(stores,
                same.toBuilder().globalSecondaryIndexes(GlobalSecondaryIndexDescription.builder()
                        .indexName("old-index").keySchema(key("pk", KeyType.HASH)).build()).build()));
    }

    @Test
    void createTableRequest_shouldUseLiteralTableNameAndLocalIndexes_whenDeclared() {
        // GIVEN a provisioned table with a literal TableName, an LSI and INCLUDE projection
        SamTemplate template = SamTemplate.parse(String.join("\n",
                "Resources:",
                "  T:",
                "    Type: AWS::DynamoDB::Table",
                "    Properties:",
                "      TableName: orders",
                "      ProvisionedThroughput: {ReadCapacityUnits: 3, WriteCapacityUnits: 4}",
                "      AttributeDefinitions: [{AttributeName: a, AttributeType: S}, {AttributeName: b, AttributeType: N}]",
                "      KeySchema: [{AttributeName: a, KeyType: HASH}]",
                "      LocalSecondaryIndexes: []",
                "      GlobalSecondaryIndexes:",
                "        - IndexName: by-b",
                "          KeySchema: [{AttributeName: b, KeyType: HASH}]",
                "          Projection: {ProjectionType: INCLUDE, NonKeyAttributes: [c]}",
                "          ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 2}",
                ""));

        // WHEN its request is built
        var request = TableProvisioner.createTableRequest(template.resource("T").orElseThrow(), "x-");

        // THEN the literal name, capacities and projection are carried over
        assertEquals("x-orders", request.tableName());
        assertEquals(BillingMode.PROVISIONED, request.billingMode());
        assertEquals(4L, request.provisionedThroughput().writeCapacityUnits());
        assertEquals(List.of("c"), request.globalSecondaryIndexes().get(0).projection().nonKeyAttributes());
        assertEquals(2L, request.globalSecondaryIndexes().get(0).provisionedThroughput().writeCapacityUnits());
    }

    private TableDescription describe(String table) {
        return dynamoDb.describeTable(b -> b.tableName(table)).table();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
