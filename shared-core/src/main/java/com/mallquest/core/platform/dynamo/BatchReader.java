package com.mallquest.core.platform.dynamo;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads any number of items of one table by key with DynamoDB's {@code BatchGetItem}, 100 keys per call (the most
 * DynamoDB accepts), retrying {@code UnprocessedKeys} after an exponential full-jitter delay.
 *
 * <pre>{@code
 * BatchReader reader = new BatchReader(dynamoDb);   // once per container
 * List<Map<String, AttributeValue>> items = reader.read(table, keys, "#pk, displayName", Map.of("#pk", "pk"));
 * }</pre>
 *
 * <p>A key that names no item is simply absent from the answer; the same key twice is read once (DynamoDB refuses
 * duplicates in one call). A whole call throttled or failing is retried by the client's own retry strategy; keys that
 * stay unprocessed after {@link #MAX_ATTEMPTS} calls per chunk fail the read ({@link IllegalStateException}) rather
 * than answer with items missing.
 */
public final class BatchReader {
    /** The most keys one {@code BatchGetItem} call may carry. */
    public static final int MAX_BATCH_SIZE = 100;
    /** Calls per chunk of 100 keys, the first included. */
    public static final int MAX_ATTEMPTS = 8;
    private static final Duration BASE_DELAY = Duration.ofMillis(20);
    private static final Duration MAX_DELAY = Duration.ofSeconds(1);

    private final DynamoDbClient dynamo;

    public BatchReader(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /**
     * The items of {@code table} with these keys (those that exist), in no particular order.
     *
     * @param projection a projection expression, or null for whole items
     * @param names      the placeholders of {@code projection} ({@code #pk} → {@code pk}); empty when none
     * @throws IllegalStateException when keys stay unprocessed after {@link #MAX_ATTEMPTS} calls
     */
    public List<Map<String, AttributeValue>> read(String table, Collection<Map<String, AttributeValue>> keys,
                                                  String projection, Map<String, String> names) {
        List<Map<String, AttributeValue>> unique = new ArrayList<>(new LinkedHashSet<>(keys));
        List<Map<String, AttributeValue>> items = new ArrayList<>(unique.size());
        for (int from = 0; from < unique.size(); from += MAX_BATCH_SIZE) {
            readChunk(table, unique.subList(from, Math.min(unique.size(), from + MAX_BATCH_SIZE)), projection, names, items);
        }
        return items;
    }

    private void readChunk(String table, List<Map<String, AttributeValue>> chunk, String projection,
                           Map<String, String> names, List<Map<String, AttributeValue>> items) {
        KeysAndAttributes.Builder request = KeysAndAttributes.builder().keys(chunk);
        if (projection != null) {
            request.projectionExpression(projection);
        }
        if (!names.isEmpty()) {
            request.expressionAttributeNames(names);
        }
        Map<String, KeysAndAttributes> pending = Map.of(table, request.build());
        for (int attempt = 1; ; attempt++) {
            Map<String, KeysAndAttributes> current = pending;
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(current));
            items.addAll(response.responses().getOrDefault(table, List.of()));
            KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(table) : null;
            if (left == null || !left.hasKeys() || left.keys().isEmpty()) {
                return;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new IllegalStateException(left.keys().size() + " keys of " + table + " left unprocessed after "
                        + MAX_ATTEMPTS + " BatchGetItem calls");
            }
            pending = Map.of(table, left);
            sleep(attempt);
        }
    }

    /** Full jitter: a random delay up to {@code min(max, base * 2^(attempt-1))}. */
    private static void sleep(int attempt) {
        long cap = Math.min(MAX_DELAY.toMillis(), BASE_DELAY.toMillis() << Math.min(attempt - 1, 20));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off a BatchGetItem", e);
        }
    }
}
