package com.mallquest.local.services;

import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Creates the {@code AWS::DynamoDB::Table} resources of a template on a DynamoDB endpoint (moto_server locally):
 * attribute definitions, key schema, billing mode, global and local secondary indexes with their projections.
 *
 * <pre>{@code
 * Map<String, String> tables = new TableProvisioner(moto.client()).provision(template, "t42-");
 * tables.get("UsersTable");   // "t42-UsersTable"
 * }</pre>
 *
 * <p>The physical name is {@code prefix + TableName} when the template gives a literal {@code TableName},
 * else {@code prefix + logicalId}. Existing tables are left as they are (idempotent), as long as their key schema and
 * indexes are the template's: a table made by an older template (an index added since, a key changed) cannot be
 * altered in place by a local server, so {@link #provision} refuses it with a {@link TableLayoutMismatch} naming the
 * difference rather than let a query fail later. Settings a local server lacks and tests do not need — TTL,
 * point-in-time recovery, SSE, streams, tags — are not applied.
 */
public final class TableProvisioner {
    /** The resource type this provisioner creates. */
    public static final String TABLE_TYPE = "AWS::DynamoDB::Table";

    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(60);

    private final DynamoDbClient dynamoDb;

    /** A provisioner creating tables through {@code dynamoDb} (not closed by it). */
    public TableProvisioner(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    /**
     * Creates every table of {@code template} whose name starts with {@code prefix}, waits until each is ACTIVE
     * and returns logical id to physical table name, in template order.
     */
    public Map<String, String> provision(SamTemplate template, String prefix) {
        Map<String, String> names = new LinkedHashMap<>();
        List<CreateTableRequest> existing = new ArrayList<>();
        template.resourcesOfType(TABLE_TYPE).forEach((logicalId, resource) -> {
            CreateTableRequest request = createTableRequest(resource, prefix);
            try {
                dynamoDb.createTable(request);
            } catch (ResourceInUseException alreadyThere) {
                // created earlier (or by another test/runner at the same moment): wait for it like for a new one
                existing.add(request);
            }
            names.put(logicalId, request.tableName());
        });
        try (DynamoDbWaiter waiter = DynamoDbWaiter.builder()
                .client(dynamoDb)
                .overrideConfiguration(WaiterOverrideConfiguration.builder()
                        .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(POLL_INTERVAL))
                        .maxAttempts((int) (WAIT_TIMEOUT.toMillis() / POLL_INTERVAL.toMillis()))
                        .waitTimeout(WAIT_TIMEOUT)
                        .build())
                .build()) {
            for (String table : names.values()) {
                WaiterResponse<DescribeTableResponse> response = waiter.waitUntilTableExists(b -> b.tableName(table));
                response.matched().exception().ifPresent(e -> {
                    throw new IllegalStateException("Table " + table + " did not become ACTIVE: " + e.getMessage(), e);
                });
            }
        }
        for (CreateTableRequest wanted : existing) {
            String difference = layoutDifference(wanted, dynamoDb.describeTable(b -> b.tableName(wanted.tableName())).table());
            if (difference != null) {
                throw new TableLayoutMismatch(wanted.tableName(), difference);
            }
        }
        return Collections.unmodifiableMap(names);
    }

    /** An existing table whose key schema or indexes are not the template's (see {@link #provision}). */
    public static final class TableLayoutMismatch extends IllegalStateException {
        private final String table;

        TableLayoutMismatch(String table, String difference) {
            super("Table " + table + " exists with another layout than template.yaml declares: " + difference);
            this.table = table;
        }

        /** The physical name of the table. */
        public String table() {
            return table;
        }
    }

    /**
     * What differs between the table {@code wanted} would create and the table that exists, or null when their key
     * schemas and their indexes (names and key schemas) are the same.
     */
    static String layoutDifference(CreateTableRequest wanted, TableDescription actual) {
        if (!wanted.keySchema().equals(actual.keySchema())) {
            return "key schema " + keys(actual.keySchema()) + ", template " + keys(wanted.keySchema());
        }
        Map<String, List<KeySchemaElement>> wantedIndexes = new TreeMap<>();
        wanted.globalSecondaryIndexes().forEach(i -> wantedIndexes.put(i.indexName(), i.keySchema()));
        wanted.localSecondaryIndexes().forEach(i -> wantedIndexes.put(i.indexName(), i.keySchema()));
        Map<String, List<KeySchemaElement>> actualIndexes = new TreeMap<>();
        actual.globalSecondaryIndexes().forEach(i -> actualIndexes.put(i.indexName(), i.keySchema()));
        actual.localSecondaryIndexes().forEach(i -> actualIndexes.put(i.indexName(), i.keySchema()));
        for (Map.Entry<String, List<KeySchemaElement>> index : wantedIndexes.entrySet()) {
            List<KeySchemaElement> found = actualIndexes.get(index.getKey());
            if (found == null) {
                return "index " + index.getKey() + " is missing";
            }
            if (!found.equals(index.getValue())) {
                return "index " + index.getKey() + " has keys " + keys(found) + ", template " + keys(index.getValue());
            }
        }
        actualIndexes.keySet().removeAll(wantedIndexes.keySet());
        return actualIndexes.isEmpty() ? null : "index " + String.join(", ", actualIndexes.keySet()) + " is not in the template";
    }

    private static String keys(List<KeySchemaElement> schema) {
        return schema.stream().map(k -> k.attributeName() + " " + k.keyTypeAsString()).toList().toString();
    }

    /**
     * The function environment variables that name a table: each {@code Globals.Function.Environment.Variables}
     * entry whose value is {@code !Ref <table>}, mapped to that table's physical name in {@code tables}
     * (as returned by {@link #provision}). Example: {@code USERS_TABLE -> t42-UsersTable}.
     */
    public static Map<String, String> tableVariables(SamTemplate template, Map<String, String> tables) {
        Map<String, Object> environment = SamTemplate.map(template.globalFunction().get("Environment"), "Globals.Function.Environment");
        Map<String, String> variables = new LinkedHashMap<>();
        SamTemplate.map(environment.get("Variables"), "Globals.Function.Environment.Variables").forEach((name, value) -> {
            if (value instanceof Map<?, ?> intrinsic && intrinsic.size() == 1 && intrinsic.get("Ref") instanceof String ref && tables.containsKey(ref)) {
                variables.put(name, tables.get(ref));
            }
        });
        return Collections.unmodifiableMap(variables);
    }

    /** The physical name of a table resource: {@code prefix} + literal {@code TableName}, else + logical id. */
    public static String tableName(SamTemplate.Resource table, String prefix) {
        Object declared = table.properties().get("TableName");
        return prefix + (declared instanceof String literal ? literal : table.logicalId());
    }

    /** The CreateTable request for one {@code AWS::DynamoDB::Table} resource. */
    public static CreateTableRequest createTableRequest(SamTemplate.Resource table, String prefix) {
        if (!TABLE_TYPE.equals(table.type())) {
            throw new IllegalArgumentException(table.logicalId() + " is a " + table.type() + ", not a " + TABLE_TYPE);
        }
        String where = table.logicalId() + ".Properties";
        Map<String, Object> properties = table.properties();
        boolean onDemand = "PAY_PER_REQUEST".equals(properties.get("BillingMode"));
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(tableName(table, prefix))
                .attributeDefinitions(list(properties.get("AttributeDefinitions"), where + ".AttributeDefinitions").stream()
                        .map(d -> AttributeDefinition.builder()
                                .attributeName(text(d, "AttributeName", where))
                                .attributeType(text(d, "AttributeType", where))
                                .build())
                        .toList())
                .keySchema(keySchema(properties.get("KeySchema"), where + ".KeySchema"));
        if (onDemand) {
            request.billingMode(BillingMode.PAY_PER_REQUEST);
        } else {
            request.billingMode(BillingMode.PROVISIONED).provisionedThroughput(throughput(properties.get("ProvisionedThroughput")));
        }
        List<GlobalSecondaryIndex> globals = new ArrayList<>();
        for (Map<String, Object> index : list(properties.get("GlobalSecondaryIndexes"), where + ".GlobalSecondaryIndexes")) {
            String indexWhere = where + ".GlobalSecondaryIndexes." + index.get("IndexName");
            GlobalSecondaryIndex.Builder gsi = GlobalSecondaryIndex.builder()
                    .indexName(text(index, "IndexName", indexWhere))
                    .keySchema(keySchema(index.get("KeySchema"), indexWhere + ".KeySchema"))
                    .projection(projection(index.get("Projection"), indexWhere + ".Projection"));
            if (!onDemand) {
                gsi.provisionedThroughput(throughput(index.get("ProvisionedThroughput")));
            }
            globals.add(gsi.build());
        }
        if (!globals.isEmpty()) {
            request.globalSecondaryIndexes(globals);
        }
        List<LocalSecondaryIndex> locals = new ArrayList<>();
        for (Map<String, Object> index : list(properties.get("LocalSecondaryIndexes"), where + ".LocalSecondaryIndexes")) {
            String indexWhere = where + ".LocalSecondaryIndexes." + index.get("IndexName");
            locals.add(LocalSecondaryIndex.builder()
                    .indexName(text(index, "IndexName", indexWhere))
                    .keySchema(keySchema(index.get("KeySchema"), indexWhere + ".KeySchema"))
                    .projection(projection(index.get("Projection"), indexWhere + ".Projection"))
                    .build());
        }
        if (!locals.isEmpty()) {
            request.localSecondaryIndexes(locals);
        }
        return request.build();
    }

    private static List<KeySchemaElement> keySchema(Object value, String where) {
        List<Map<String, Object>> elements = list(value, where);
        if (elements.isEmpty()) {
            throw new IllegalArgumentException(where + " is missing");
        }
        return elements.stream()
                .map(e -> KeySchemaElement.builder()
                        .attributeName(text(e, "AttributeName", where))
                        .keyType(text(e, "KeyType", where))
                        .build())
                .toList();
    }

    private static Projection projection(Object value, String where) {
        Map<String, Object> projection = SamTemplate.map(value, where);
        Projection.Builder builder = Projection.builder().projectionType(
                projection.get("ProjectionType") instanceof String type ? type : "KEYS_ONLY"); // CloudFormation's default
        Object nonKey = projection.get("NonKeyAttributes");
        if (nonKey instanceof List<?> attributes && !attributes.isEmpty()) {
            builder.nonKeyAttributes(attributes.stream().map(String::valueOf).toList());
        }
        return builder.build();
    }

    /** The template's literal capacity, else 5/5 (a Ref or other intrinsic cannot be resolved here). */
    private static ProvisionedThroughput throughput(Object value) {
        Map<String, Object> throughput = value instanceof Map<?, ?> ? SamTemplate.map(value, "ProvisionedThroughput") : Map.of();
        return ProvisionedThroughput.builder()
                .readCapacityUnits(capacity(throughput.get("ReadCapacityUnits")))
                .writeCapacityUnits(capacity(throughput.get("WriteCapacityUnits")))
                .build();
    }

    private static long capacity(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof String text && text.matches("\\d+")) {
            return Long.parseLong(text);
        }
        return 5;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new IllegalArgumentException(where + " is not a list: " + value);
        }
        for (Object item : items) {
            SamTemplate.map(item, where);
        }
        return (List<Map<String, Object>>) value;
    }

    private static String text(Map<String, Object> map, String key, String where) {
        if (!(map.get(key) instanceof String value)) {
            throw new IllegalArgumentException(where + "." + key + " must be a literal string, found " + map.get(key));
        }
        return value;
    }
}
