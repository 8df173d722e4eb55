package com.mallquest.core.domain.cleanup;

import com.fasterxml.jackson.core.type.TypeReference;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.json.Json;
import com.mallquest.logging.Log;
import com.mallquest.core.platform.dynamo.BatchWrite;
import com.mallquest.core.platform.dynamo.BatchWriteResult;
import com.mallquest.core.platform.dynamo.BatchWriter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deletes DynamoDB items whose TTL attribute {@value #TTL_ATTRIBUTE} (epoch seconds, the attribute every
 * table in {@code template.yaml} declares for TTL) lies in the past, through the {@link BatchWriter}.
 *
 * <p>Why: DynamoDB's own TTL deletes expired items only eventually (typically within days), during which
 * reads still return them, and DynamoDB-API servers used locally (moto_server) do not expire at all. Each run
 * scans at most a bounded number of items per table and remembers where it stopped (the scan's
 * {@code LastEvaluatedKey}, kept in the cache), so a large table is covered over several runs; a lost
 * position only means the next pass starts over. Deleting is idempotent.
 */
public final class ExpiredItemSweeper {
    private static final Log LOG = Log.of(ExpiredItemSweeper.class);

    /** The TTL attribute of every table (epoch seconds). */
    public static final String TTL_ATTRIBUTE = "expiresAt";
    private static final Duration POSITION_TTL = Duration.ofDays(1);

    private final DynamoDbClient dynamo;
    private final BatchWriter writer;
    private final Cache cache;
    private final Clock clock;
    private final List<String> tables;
    private final Map<String, List<String>> keyAttributes = new ConcurrentHashMap<>();

    public ExpiredItemSweeper(DynamoDbClient dynamo, BatchWriter writer, Cache cache, Clock clock, List<String> tables) {
        this.dynamo = dynamo;
        this.writer = writer;
        this.cache = cache;
        this.clock = clock;
        this.tables = List.copyOf(tables);
    }

    /**
     * What one sweep did.
     *
     * @param scanned  items read
     * @param deleted  expired items deleted
     * @param failed   expired items the batch writer could not delete (tried again next pass)
     * @param complete true when every table was scanned to its end in this run
     */
    public record Result(int scanned, int deleted, int failed, boolean complete) { }

    /** Scans up to {@code maxScannedPerTable} items of each table from where the last run stopped. */
    public Result sweep(int maxScannedPerTable) {
        long now = clock.instant().getEpochSecond();
        int scanned = 0;
        int deleted = 0;
        int failed = 0;
        boolean complete = true;
        for (String table : tables) {
            String positionKey = CacheKeys.build("cleanup", "cleanup", "scan", table);
            Map<String, AttributeValue> start = cache.get(positionKey).map(ExpiredItemSweeper::decode).orElse(null);
            List<String> keys = keyAttributesOf(table);
            List<BatchWrite> deletes = new ArrayList<>();
            int budget = maxScannedPerTable;
            while (budget > 0) {
                ScanRequest.Builder scan = ScanRequest.builder()
                        .tableName(table)
                        .limit(budget)
                        .filterExpression("#ttl < :now")
                        .projectionExpression(String.join(", ", placeholders(keys)))
                        .expressionAttributeNames(names(keys))
                        .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now))));
                if (start != null) {
                    scan.exclusiveStartKey(start);
                }
                ScanResponse response = dynamo.scan(scan.build());
                budget -= response.scannedCount();
                scanned += response.scannedCount();
                for (Map<String, AttributeValue> item : response.items()) {
                    deletes.add(BatchWrite.delete(table, item));
                }
                start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                        ? response.lastEvaluatedKey() : null;
                if (start == null || response.scannedCount() == 0) {
                    break;
                }
            }
            if (!deletes.isEmpty()) {
                BatchWriteResult result = writer.write(deletes);
                deleted += result.written();
                failed += result.failures().size();
                result.failures().forEach(f -> LOG.warn("cleanup: expired item not deleted", "table", table, "item", f.write().attributes(), "reason", f.reason()));
            }
            if (start == null) {
                cache.delete(positionKey); // this pass over the table is done: the next run starts over
            } else {
                cache.set(positionKey, encode(start), POSITION_TTL);
                complete = false;
            }
        }
        return new Result(scanned, deleted, failed, complete);
    }

    private List<String> keyAttributesOf(String table) {
        return keyAttributes.computeIfAbsent(table, t -> dynamo.describeTable(b -> b.tableName(t)).table().keySchema()
                .stream().map(KeySchemaElement::attributeName).toList());
    }

    private static List<String> placeholders(List<String> keys) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            out.add("#k" + i);
        }
        return out;
    }

    private static Map<String, String> names(List<String> keys) {
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            names.put("#k" + i, keys.get(i));
        }
        names.put("#ttl", TTL_ATTRIBUTE);
        return names;
    }

    /** A scan position as JSON: attribute name → {"S": value} or {"N": value} (the key types of our tables). */
    static String encode(Map<String, AttributeValue> key) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        key.forEach((name, value) -> out.put(name, value.n() != null ? Map.of("N", value.n()) : Map.of("S", value.s())));
        return Json.write(out);
    }

    static Map<String, AttributeValue> decode(String json) {
        try {
            Map<String, Map<String, String>> in = Json.MAPPER.readValue(json, new TypeReference<>() { });
            Map<String, AttributeValue> key = new HashMap<>();
            in.forEach((name, value) -> key.put(name, value.containsKey("N")
                    ? AttributeValue.fromN(value.get("N")) : AttributeValue.fromS(value.get("S"))));
            return key;
        } catch (Exception e) {
            return null; // unreadable position: start the pass over
        }
    }
}
