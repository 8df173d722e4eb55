package com.mallquest.core.platform.dynamo;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.Map;
import java.util.Objects;

/**
 * One write for the {@link BatchWriter}: put a whole item into a table, or delete the item with a key.
 * Unconditional, as {@code BatchWriteItem} allows nothing else.
 *
 * <pre>{@code
 * BatchWrite.put(usersTable, Map.of("pk", fromS("USER#1"), "sk", fromS("PROFILE"), "coins", fromN("5")));
 * BatchWrite.delete(usersTable, Map.of("pk", fromS("USER#1"), "sk", fromS("PROFILE")));
 * }</pre>
 *
 * @param table      the table name
 * @param attributes the whole item for a put, the primary key for a delete
 * @param delete     true for a delete
 */
public record BatchWrite(String table, Map<String, AttributeValue> attributes, boolean delete) {

    public BatchWrite {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(attributes, "attributes");
        if (table.isBlank()) {
            throw new IllegalArgumentException("A batch write needs a table name");
        }
        if (attributes.isEmpty()) {
            throw new IllegalArgumentException("A batch " + (delete ? "delete" : "put") + " on " + table + " has no attributes");
        }
        attributes = Map.copyOf(attributes);
    }

    /** Puts (creates or replaces) {@code item} in {@code table}. */
    public static BatchWrite put(String table, Map<String, AttributeValue> item) {
        return new BatchWrite(table, item, false);
    }

    /** Deletes the item with primary key {@code key} from {@code table}. */
    public static BatchWrite delete(String table, Map<String, AttributeValue> key) {
        return new BatchWrite(table, key, true);
    }

    /** The {@code WriteRequest} of {@code BatchWriteItem}. */
    WriteRequest toWriteRequest() {
        return delete
                ? WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(attributes).build()).build()
                : WriteRequest.builder().putRequest(PutRequest.builder().item(attributes).build()).build();
    }

    /** The write a {@code WriteRequest} stands for (for requests the server hands back as unprocessed). */
    static BatchWrite of(String table, WriteRequest request) {
        return request.putRequest() != null
                ? put(table, request.putRequest().item())
                : delete(table, request.deleteRequest().key());
    }
}
