package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.dynamo.Attributes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.util.HashMap;
import java.util.Map;

import static com.mallquest.core.domain.spending.SpendingItems.HOLDS;
import static com.mallquest.core.platform.dynamo.Attributes.ss;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * Counters changed exactly once per operation id across crashes and retries (a reward's {@code remaining} stock, a
 * user's {@code used} count of a reward), the ledger's in-flight pattern on one item:
 * <ol>
 *   <li>{@link #take}: {@code ADD counter :delta, holds {id}} if {@code NOT contains(holds, id)} and the bound holds.
 *       Repeating it after it applied changes nothing (the id is held), and the failed condition's old item tells
 *       "already taken" from "refused by the bound";</li>
 *   <li>then the operation is recorded as done somewhere durable (its redemption or coupon), and</li>
 *   <li>{@link #settle} removes the id ({@code DELETE holds {id}}); or {@link #release} undoes the change, once,
 *       because it requires the id still held.</li>
 * </ol>
 * The set only holds ids between steps 1 and 3, so it stays small.
 */
final class HeldCounters {

    /** What a {@link #take} found. */
    enum Take { TAKEN, ALREADY_TAKEN, REFUSED }

    private final DynamoDbClient dynamo;
    private final String table;

    HeldCounters(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Adds {@code delta} to {@code counter} under hold {@code id}, if {@code bound} (a condition on {@code #c}, with
     * its values in {@code boundValues}; null: none) holds.
     */
    Take take(Map<String, AttributeValue> key, String counter, long delta, String id, String bound,
              Map<String, AttributeValue> boundValues) {
        Map<String, AttributeValue> values = new HashMap<>(boundValues);
        values.put(":d", n(delta));
        values.put(":h", ss(id));
        values.put(":hid", s(id));
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(key)
                    .updateExpression("ADD #c :d, #holds :h")
                    .conditionExpression("NOT contains(#holds, :hid)" + (bound == null ? "" : " AND (" + bound + ")"))
                    .expressionAttributeNames(Map.of("#c", counter, "#holds", HOLDS))
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return Take.TAKEN;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> current = e.hasItem() && !e.item().isEmpty() ? e.item() : read(key);
            return Attributes.setContains(current, HOLDS, id) ? Take.ALREADY_TAKEN : Take.REFUSED;
        }
    }

    /** Undoes a {@link #take} still held by {@code id} ({@code -delta}); nothing when it was never taken or is settled. */
    void release(Map<String, AttributeValue> key, String counter, long delta, String id) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(key)
                    .updateExpression("ADD #c :d DELETE #holds :h")
                    .conditionExpression("contains(#holds, :hid)")
                    .expressionAttributeNames(Map.of("#c", counter, "#holds", HOLDS))
                    .expressionAttributeValues(Map.of(":d", n(-delta), ":h", ss(id), ":hid", s(id)))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            // never taken, or released before: nothing to undo
        }
    }

    /** Forgets hold {@code id} once its operation is recorded as done (idempotent). */
    void settle(Map<String, AttributeValue> key, String id) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(key)
                    .updateExpression("DELETE #holds :h")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeNames(Map.of("#holds", HOLDS))
                    .expressionAttributeValues(Map.of(":h", ss(id)))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            // no such counter: nothing held
        }
    }

    private Map<String, AttributeValue> read(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
        return response.hasItem() ? response.item() : Map.of();
    }
}
