package com.mallquest.core.platform.dynamo;

import com.mallquest.core.platform.errors.DomainException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes items atomically with one {@code TransactWriteItems}, the one place that builds it, reads its
 * {@code CancellationReasons} and retries {@code TransactionConflict}: the exactly-once core of the ledger's credits,
 * debits and reversals.
 *
 * <p>Every item asks for its old image when its condition fails ({@code ALL_OLD}), so a caller learns why without
 * a read. A cancellation only by conflicts (another transaction or write on one of the items, real DynamoDB only)
 * is retried with exponential backoff and full jitter, at most {@value #MAX_ATTEMPTS} attempts; then it is a
 * 503 {@code ledger_busy} with {@code Retry-After}. A transaction is all or nothing, so a retry, by this class or by
 * the SDK, never applies part of one.
 *
 * <pre>{@code
 * Transaction.Outcome outcome = new Transaction(dynamo).write(List.of(claimPut, profileUpdate));
 * if (!outcome.applied() && outcome.conditionFailed(0)) { Map<String, AttributeValue> existing = outcome.oldItem(0); }
 * }</pre>
 */
public final class Transaction {

    /** Attempts of one transaction cancelled only by conflicts. */
    public static final int MAX_ATTEMPTS = 6;
    private static final Duration BASE_DELAY = Duration.ofMillis(10);
    private static final Duration MAX_DELAY = Duration.ofMillis(400);
    static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    static final String TRANSACTION_CONFLICT = "TransactionConflict";

    private final DynamoDbClient dynamo;

    public Transaction(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /**
     * What a transaction did: applied, or cancelled because the conditions of some items failed (their indexes, in
     * the order given, with the items as they were).
     */
    public static final class Outcome {
        private final List<CancellationReason> reasons;

        private Outcome(List<CancellationReason> reasons) {
            this.reasons = reasons;
        }

        /** True when every item was written. */
        public boolean applied() {
            return reasons.isEmpty();
        }

        /** True when the item at {@code index} was refused by its condition. */
        public boolean conditionFailed(int index) {
            return index < reasons.size() && CONDITIONAL_CHECK_FAILED.equals(reasons.get(index).code());
        }

        /** The item at {@code index} as its failed condition found it; empty when there was none. */
        public Map<String, AttributeValue> oldItem(int index) {
            CancellationReason reason = reasons.get(index);
            return reason.hasItem() ? reason.item() : Map.of();
        }

        /** The index of the first item whose condition failed; -1 when none did. */
        public int firstFailed() {
            for (int i = 0; i < reasons.size(); i++) {
                if (conditionFailed(i)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * Writes {@code items} as one transaction.
     *
     * @throws DomainException 503 {@code ledger_busy} when conflicts cancelled it {@value #MAX_ATTEMPTS} times
     */
    public Outcome write(List<TransactWriteItem> items) {
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .transactItems(items.stream().map(Transaction::returningOldItem).toList()).build();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(request);
                return new Outcome(List.of());
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                if (reasons.stream().anyMatch(r -> CONDITIONAL_CHECK_FAILED.equals(r.code()))) {
                    return new Outcome(new ArrayList<>(reasons));
                }
                if (reasons.stream().noneMatch(r -> TRANSACTION_CONFLICT.equals(r.code()))) {
                    throw e; // e.g. a validation error of an item: a bug, not a race
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw DomainException.unavailable("ledger_busy",
                            "Too many changes to the same account at once; retry shortly", Duration.ofSeconds(1));
                }
                backOff(attempt);
            }
        }
    }

    /** Full jitter: a random pause up to {@code min(MAX_DELAY, BASE_DELAY * 2^attempt)}. */
    public static void backOff(int attempt) {
        long ceiling = Math.min(MAX_DELAY.toMillis(), BASE_DELAY.toMillis() << Math.min(attempt, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a conflicting transaction", e);
        }
    }

    private static TransactWriteItem returningOldItem(TransactWriteItem item) {
        ReturnValuesOnConditionCheckFailure old = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        if (item.put() != null && item.put().conditionExpression() != null) {
            return item.toBuilder().put(item.put().toBuilder().returnValuesOnConditionCheckFailure(old).build()).build();
        }
        if (item.update() != null && item.update().conditionExpression() != null) {
            return item.toBuilder().update(item.update().toBuilder().returnValuesOnConditionCheckFailure(old).build()).build();
        }
        if (item.delete() != null && item.delete().conditionExpression() != null) {
            return item.toBuilder().delete(item.delete().toBuilder().returnValuesOnConditionCheckFailure(old).build()).build();
        }
        if (item.conditionCheck() != null) {
            return item.toBuilder().conditionCheck(item.conditionCheck().toBuilder().returnValuesOnConditionCheckFailure(old).build()).build();
        }
        return item;
    }
}
