package com.mallquest.local.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every table of a DynamoDB endpoint to one JSON file per table and back ({@code <table>.json}: the key layout and
 * the items in DynamoDB's JSON), so that an in-memory server (moto) keeps local data across restarts.
 */
public final class TableSnapshot {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TableSnapshot() { }

    /** Writes every table to {@code dir/<table>.json} (replacing each file atomically) and removes files of tables gone. */
    public static void save(DynamoDbClient client, Path dir) {
        try {
            Files.createDirectories(dir);
            Set<String> written = new HashSet<>();
            for (String table : client.listTablesPaginator(b -> { }).tableNames()) {
                ObjectNode file = JSON.createObjectNode();
                file.set("layout", layout(client.describeTable(b -> b.tableName(table)).table()));
                ArrayNode items = file.putArray("items");
                client.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(item -> items.add(toJson(item)));
                Path target = dir.resolve(table + ".json");
                Path temp = dir.resolve(table + ".json.tmp");
                JSON.writeValue(temp.toFile(), file);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                written.add(target.getFileName().toString());
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path stale : files.filter(p -> p.toString().endsWith(".json") && !written.contains(p.getFileName().toString())).toList()) {
                    Files.delete(stale);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the table snapshot to " + dir, e);
        }
    }

    /** Creates each table of {@code dir}'s snapshot that does not exist yet and writes its items. Returns the tables loaded. */
    public static List<String> load(DynamoDbClient client, Path dir) {
        List<String> loaded = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return loaded;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the table snapshot in " + dir, e);
        }
        for (Path path : files) {
            JsonNode file;
            try {
                file = JSON.readTree(path.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the table snapshot " + path, e);
            }
            String table = path.getFileName().toString().replaceFirst("\\.json$", "");
            if (exists(client, table)) {
                continue;
            }
            client.createTable(createRequest(table, file.get("layout")));
            List<WriteRequest> batch = new ArrayList<>();
            for (JsonNode item : file.get("items")) {
                batch.add(WriteRequest.builder().putRequest(PutRequest.builder().item(fromJson(item)).build()).build());
                if (batch.size() == 25) {
                    write(client, table, batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                write(client, table, batch);
            }
            loaded.add(table);
        }
        return loaded;
    }

    private static boolean exists(DynamoDbClient client, String table) {
        try {
            client.describeTable(b -> b.tableName(table));
            return true;
        } catch (ResourceNotFoundException e) {
            return false;
        }
    }

    private static void write(DynamoDbClient client, String table, List<WriteRequest> batch) {
        Map<String, List<WriteRequest>> pending = Map.of(table, batch);
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            if (attempt == 10) {
                throw new IllegalStateException("Could not load the snapshot of " + table);
            }
            Map<String, List<WriteRequest>> request = pending;
            pending = client.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
        }
    }

    private static ObjectNode layout(TableDescription table) {
        ObjectNode layout = JSON.createObjectNode();
        ArrayNode attributes = layout.putArray("attributes");
        table.attributeDefinitions().forEach(a -> attributes.addObject().put("name", a.attributeName()).put("type", a.attributeTypeAsString()));
        layout.set("keys", keys(table.keySchema()));
        ArrayNode global = layout.putArray("globalIndexes");
        table.globalSecondaryIndexes().forEach(i -> global.add(index(i.indexName(), i.keySchema(), i.projection())));
        ArrayNode local = layout.putArray("localIndexes");
        table.localSecondaryIndexes().forEach(i -> local.add(index(i.indexName(), i.keySchema(), i.projection())));
        return layout;
    }

    private static ObjectNode index(String name, List<KeySchemaElement> keys, Projection projection) {
        ObjectNode index = JSON.createObjectNode().put("name", name);
        index.set("keys", keys(keys));
        index.put("projection", projection.projectionTypeAsString());
        ArrayNode nonKey = index.putArray("nonKeyAttributes");
        projection.nonKeyAttributes().forEach(nonKey::add);
        return index;
    }

    private static ArrayNode keys(List<KeySchemaElement> keys) {
        ArrayNode array = JSON.createArrayNode();
        keys.forEach(k -> array.addObject().put("name", k.attributeName()).put("type", k.keyTypeAsString()));
        return array;
    }

    private static CreateTableRequest createRequest(String table, JsonNode layout) {
        List<GlobalSecondaryIndex> global = new ArrayList<>();
        layout.get("globalIndexes").forEach(i -> global.add(GlobalSecondaryIndex.builder()
                .indexName(i.get("name").asText()).keySchema(keySchema(i.get("keys"))).projection(projection(i)).build()));
        List<LocalSecondaryIndex> local = new ArrayList<>();
        layout.get("localIndexes").forEach(i -> local.add(LocalSecondaryIndex.builder()
                .indexName(i.get("name").asText()).keySchema(keySchema(i.get("keys"))).projection(projection(i)).build()));
        List<AttributeDefinition> attributes = new ArrayList<>();
        layout.get("attributes").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.get("name").asText()).attributeType(a.get("type").asText()).build()));
        return CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes).keySchema(keySchema(layout.get("keys")))
                .globalSecondaryIndexes(global.isEmpty() ? null : global)
                .localSecondaryIndexes(local.isEmpty() ? null : local)
                .build();
    }

    private static List<KeySchemaElement> keySchema(JsonNode keys) {
        List<KeySchemaElement> schema = new ArrayList<>();
        keys.forEach(k -> schema.add(KeySchemaElement.builder().attributeName(k.get("name").asText()).keyType(k.get("type").asText()).build()));
        return schema;
    }

    private static Projection projection(JsonNode index) {
        List<String> nonKey = new ArrayList<>();
        index.get("nonKeyAttributes").forEach(a -> nonKey.add(a.asText()));
        return Projection.builder().projectionType(index.get("projection").asText()).nonKeyAttributes(nonKey.isEmpty() ? null : nonKey).build();
    }

    /** An item in DynamoDB's JSON ({@code {"name": {"S": "x"}}}). */
    static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode node = JSON.createObjectNode();
        item.forEach((name, value) -> node.set(name, toJson(value)));
        return node;
    }

    private static ObjectNode toJson(AttributeValue value) {
        ObjectNode node = JSON.createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case B -> node.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case BS -> value.bs().forEach(b -> node.withArray("BS").add(Base64.getEncoder().encodeToString(b.asByteArray())));
            case L -> value.l().forEach(v -> node.withArray("L").add(toJson(v)));
            case M -> node.set("M", toJson(value.m()));
            default -> throw new IllegalArgumentException("Unknown attribute type " + value.type());
        }
        return node;
    }

    /** The item of {@link #toJson(Map)}. */
    static Map<String, AttributeValue> fromJson(JsonNode item) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        item.fields().forEachRemaining(f -> map.put(f.getKey(), attribute(f.getValue())));
        return map;
    }

    private static AttributeValue attribute(JsonNode node) {
        Map.Entry<String, JsonNode> typed = node.fields().next();
        JsonNode v = typed.getValue();
        return switch (typed.getKey()) {
            case "S" -> AttributeValue.fromS(v.asText());
            case "N" -> AttributeValue.fromN(v.asText());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
            case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
            case "NULL" -> AttributeValue.fromNul(true);
            case "SS" -> AttributeValue.fromSs(texts(v));
            case "NS" -> AttributeValue.fromNs(texts(v));
            case "BS" -> AttributeValue.fromBs(texts(v).stream().map(t -> SdkBytes.fromByteArray(Base64.getDecoder().decode(t))).toList());
            case "L" -> {
                List<AttributeValue> list = new ArrayList<>();
                v.forEach(e -> list.add(attribute(e)));
                yield AttributeValue.fromL(list);
            }
            case "M" -> AttributeValue.fromM(fromJson(v));
            default -> throw new IllegalArgumentException("Unknown attribute type " + typed.getKey());
        };
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(e -> texts.add(e.asText()));
        return texts;
    }
}
