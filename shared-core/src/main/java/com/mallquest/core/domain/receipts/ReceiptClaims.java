package com.mallquest.core.domain.receipts;

import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditItems;
import com.mallquest.core.domain.ledger.CreditItems;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.errors.DomainException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The receipt claims of the Receipts table ({@link ReceiptItems}): one item per {@code (storeId, receiptId)}.
 * A claim waiting for its credit is in the sparse GSI {@code pending-index}; one waiting for a reviewer is in
 * {@code review-index}; each leaves its index when it moves on, so the indexes only ever hold unfinished claims.
 *
 * <p>Other parts of the system read a claim with {@link #find} (e.g. a refund needs a credited receipt's amount,
 * coins, XP and user):
 * <pre>{@code
 * Optional<ReceiptClaim> claim = services.receiptClaims().find("zara", "R-1001");
 * claim.filter(ReceiptClaim::credited).map(ReceiptClaim::coins);
 * }</pre>
 */
public final class ReceiptClaims {

    private final DynamoDbClient dynamo;
    private final String table;
    private final String auditTable;

    /** @param auditTable the audit trail's table: a review decision is written there with the decision */
    public ReceiptClaims(DynamoDbClient dynamo, String receiptsTable, String auditTable) {
        this.dynamo = dynamo;
        this.table = receiptsTable;
        this.auditTable = auditTable;
    }


    /** The claim of a receipt, if any (strongly consistent): its user, amount, coins, XP, status and result. */
    public Optional<ReceiptClaim> find(String storeId, String receiptId) {
        return Optional.ofNullable(get(ReceiptItems.claimKey(storeId, receiptId))).map(ReceiptItems::toClaim);
    }

    /**
     * The credited claims of purchases made in {@code [from, to)}, in the order they were claimed: at most
     * {@code limit} (one more when there are more: the caller can tell). A scan of the table, for rare admin reads
     * (a campaign's forecast), never for a request's path.
     */
    public List<ReceiptClaim> credited(Instant from, Instant to, int limit) {
        List<ReceiptClaim> found = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table)
                    .filterExpression("begins_with(#pk, :claim) AND #status = :credited")
                    .expressionAttributeNames(Map.of("#pk", ReceiptItems.PK, "#status", ReceiptItems.STATUS))
                    .expressionAttributeValues(Map.of(":claim", AttributeValue.fromS(ReceiptItems.CLAIM_PREFIX),
                            ":credited", AttributeValue.fromS(ReceiptClaim.CREDITED)));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse response = dynamo.scan(request.build());
            for (Map<String, AttributeValue> item : response.items()) {
                ReceiptClaim claim = ReceiptItems.toClaim(item);
                if (!claim.purchasedAt().isBefore(from) && claim.purchasedAt().isBefore(to)) {
                    found.add(claim);
                }
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null && found.size() <= limit);
        found.sort(Comparator.comparing(ReceiptClaim::claimedAt).thenComparing(claim -> claim.creditId()));
        return found.size() > limit + 1 ? List.copyOf(found.subList(0, limit + 1)) : List.copyOf(found);
    }

    /** Creates the claim; when the receipt was claimed before, returns that claim instead (nothing is written). */
    Optional<ReceiptClaim> create(ReceiptClaim claim) {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(ReceiptItems.toItem(claim))
                    .conditionExpression("attribute_not_exists(" + ReceiptItems.PK + ")")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : get(ReceiptItems.claimKey(claim.storeId(), claim.receiptId()));
            if (existing == null) {
                throw new IllegalStateException("claim " + claim.creditId() + " reported existing but cannot be read");
            }
            return Optional.of(ReceiptItems.toClaim(existing));
        }
    }

    /** Records a credit's outcome on a stored claim and takes it out of the pending index (a claim whose credit was
     * applied before, e.g. by the lease protocol before transactions). */
    void markCredited(ReceiptClaim claim, ReceiptResult result) {
        Map<String, AttributeValue> values = new HashMap<>(ReceiptItems.creditedValues(result));
        values.put(":userId", ReceiptItems.s(claim.userId()));
        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(ReceiptItems.claimKey(claim.storeId(), claim.receiptId()))
                .updateExpression(ReceiptItems.CREDITED_UPDATE)
                .conditionExpression(ReceiptItems.USER_ID + " = :userId")
                .expressionAttributeNames(Map.of("#status", ReceiptItems.STATUS))
                .expressionAttributeValues(values)
                .build());
    }

    /**
     * A new claim written {@code CREDITED} in its credit's transaction, holding the result (the balance the credit
     * leaves), unless the receipt was claimed before; then {@code claimedBefore} says what that means.
     */
    CreditItems.Item createCredited(ReceiptClaim claim, Function<ReceiptClaim, RuntimeException> claimedBefore) {
        return CreditItems.item(outcome -> {
            Map<String, AttributeValue> item = new HashMap<>(ReceiptItems.toItem(claim.withStatus(ReceiptClaim.CREDITED, claim.review())));
            ReceiptItems.creditedValues(result(claim, outcome, false)).forEach((placeholder, value) ->
                    item.put(ReceiptItems.CREDITED_ATTRIBUTES.get(placeholder), value));
            return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(" + ReceiptItems.PK + ")").build()).build();
        }, old -> claimedBefore.apply(ReceiptItems.toClaim(old)));
    }

    /**
     * A claim already stored {@code PENDING} (approved after review) marked {@code CREDITED} in its credit's
     * transaction, with the result, taking it out of the pending index.
     */
    CreditItems.Item settleCredited(ReceiptClaim claim) {
        return CreditItems.item(outcome -> {
            Map<String, AttributeValue> values = new HashMap<>(ReceiptItems.creditedValues(result(claim, outcome, false)));
            values.put(":userId", ReceiptItems.s(claim.userId()));
            values.put(":pending", ReceiptItems.s(ReceiptClaim.PENDING));
            return TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(ReceiptItems.claimKey(claim.storeId(), claim.receiptId()))
                    .updateExpression(ReceiptItems.CREDITED_UPDATE)
                    .conditionExpression(ReceiptItems.USER_ID + " = :userId AND #status = :pending")
                    .expressionAttributeNames(Map.of("#status", ReceiptItems.STATUS))
                    .expressionAttributeValues(values)
                    .build()).build();
        }, old -> DomainException.conflict("receipt_in_progress", "Receipt " + claim.receiptId() + " of store "
                + claim.storeId() + " changed while it was credited; retry shortly").retryAfter(Duration.ofSeconds(1)));
    }

    /**
     * Deletes a claim that was never credited (its receipt was refused by a fraud limit), so the receipt can be
     * claimed again another day. A credited or reviewed claim is never deleted.
     */
    void release(ReceiptClaim claim) {
        try {
            dynamo.deleteItem(DeleteItemRequest.builder().tableName(table)
                    .key(ReceiptItems.claimKey(claim.storeId(), claim.receiptId()))
                    .conditionExpression(ReceiptItems.USER_ID + " = :userId AND #status IN (:pending, :review)")
                    .expressionAttributeNames(Map.of("#status", ReceiptItems.STATUS))
                    .expressionAttributeValues(Map.of(":userId", ReceiptItems.s(claim.userId()),
                            ":pending", ReceiptItems.s(ReceiptClaim.PENDING), ":review", ReceiptItems.s(ReceiptClaim.PENDING_REVIEW)))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            // gone already, or moved on: nothing to release
        }
    }

    /**
     * Moves a claim from {@code PENDING_REVIEW} to {@code status} ({@code PENDING} when approved: it enters the pending
     * index so a crash before its credit is finished by cleanup; {@code REJECTED}), recording the reviewer, in one
     * transaction with the decision's audit {@code entry}: the entry exists exactly when this call moved the claim.
     *
     * @return the claim as it is now: moved by this call, or as another decision left it (compare its status)
     */
    ReceiptClaim decide(ReceiptClaim claim, String status, ReceiptClaim.Review review, AuditEntry entry) {
        String pk = ReceiptItems.claimPk(claim.storeId(), claim.receiptId());
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":status", ReceiptItems.s(status));
        values.put(":review", ReceiptItems.s(ReceiptClaim.PENDING_REVIEW));
        values.put(":by", ReceiptItems.s(review.by()));
        values.put(":at", ReceiptItems.s(review.at().toString()));
        StringBuilder update = new StringBuilder("SET #status = :status, " + ReceiptItems.REVIEWED_BY + " = :by, "
                + ReceiptItems.REVIEWED_AT + " = :at");
        if (review.reason() != null) {
            update.append(", ").append(ReceiptItems.REJECT_REASON).append(" = :reason");
            values.put(":reason", ReceiptItems.s(review.reason()));
        }
        if (ReceiptClaim.PENDING.equals(status)) {
            Map<String, AttributeValue> pending = ReceiptItems.pendingIndexEntry(pk, review.at());
            update.append(", ").append(ReceiptItems.PENDING_SHARD).append(" = :shard, ")
                    .append(ReceiptItems.PENDING_SINCE).append(" = :since");
            values.put(":shard", pending.get(ReceiptItems.PENDING_SHARD));
            values.put(":since", pending.get(ReceiptItems.PENDING_SINCE));
        }
        update.append(" REMOVE ").append(ReceiptItems.REVIEW_QUEUE_ATTR).append(", ").append(ReceiptItems.REVIEW_SINCE);
        Transaction.Outcome outcome = new Transaction(dynamo).write(List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table)
                        .key(ReceiptItems.claimKey(claim.storeId(), claim.receiptId()))
                        .updateExpression(update.toString())
                        .conditionExpression("#status = :review")
                        .expressionAttributeNames(Map.of("#status", ReceiptItems.STATUS))
                        .expressionAttributeValues(values)
                        .build()).build(),
                AuditItems.put(auditTable, entry)));
        if (!outcome.applied() && !outcome.conditionFailed(0)) {
            throw new IllegalStateException("audit entry " + entry.entryId() + " exists without its decision");
        }
        // applied: the claim as this decision left it; refused: as another decision left it (no entry was written)
        Map<String, AttributeValue> now = outcome.applied() || outcome.oldItem(0).isEmpty()
                ? get(ReceiptItems.claimKey(claim.storeId(), claim.receiptId())) : outcome.oldItem(0);
        if (now == null) {
            throw new IllegalStateException("claim " + claim.creditId() + " vanished during its review");
        }
        return ReceiptItems.toClaim(now);
    }

    /** Up to {@code limit} claims pending since before {@code olderThan}, oldest first per shard. */
    List<ReceiptClaim> pending(Instant olderThan, int limit) {
        List<ReceiptClaim> claims = new ArrayList<>();
        for (int shard = 0; shard < ReceiptItems.PENDING_SHARDS && claims.size() < limit; shard++) {
            QueryResponse response = dynamo.query(QueryRequest.builder()
                    .tableName(table)
                    .indexName(ReceiptItems.PENDING_INDEX)
                    .keyConditionExpression(ReceiptItems.PENDING_SHARD + " = :shard AND " + ReceiptItems.PENDING_SINCE + " < :before")
                    .expressionAttributeValues(Map.of(":shard", ReceiptItems.s("p" + shard),
                            ":before", ReceiptItems.s(ReceiptItems.SORTABLE_TIME.format(olderThan))))
                    .limit(limit - claims.size())
                    .build());
            response.items().forEach(item -> claims.add(ReceiptItems.toClaim(item)));
        }
        return claims;
    }

    /**
     * One page of the review queue, oldest first.
     *
     * @param storeId only this store's claims; null for every store
     * @param after   the last {@code reviewSince} of the previous page ({@link ReviewQueue} encodes it as the cursor); null for the first
     */
    Page reviewPage(String storeId, int limit, String after) {
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(ReceiptItems.REVIEW_INDEX)
                .keyConditionExpression(ReceiptItems.REVIEW_QUEUE_ATTR + " = :queue")
                .limit(limit);
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":queue", ReceiptItems.s(ReceiptItems.REVIEW_QUEUE)));
        if (storeId != null) {
            request.filterExpression("storeId = :store");
            values.put(":store", ReceiptItems.s(storeId));
        }
        if (after != null) {
            String pk = after.substring(after.indexOf('#') + 1);
            request.exclusiveStartKey(Map.of(ReceiptItems.PK, ReceiptItems.s(pk),
                    ReceiptItems.REVIEW_QUEUE_ATTR, ReceiptItems.s(ReceiptItems.REVIEW_QUEUE),
                    ReceiptItems.REVIEW_SINCE, ReceiptItems.s(after)));
        }
        QueryResponse response = dynamo.query(request.expressionAttributeValues(values).build());
        List<ReceiptClaim> claims = response.items().stream().map(ReceiptItems::toClaim).toList();
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey().get(ReceiptItems.REVIEW_SINCE).s() : null;
        return new Page(claims, next);
    }

    /** Claims of one review-queue page and where the next page starts (null: the last page). */
    record Page(List<ReceiptClaim> claims, String next) { }

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    /** A credit's outcome as a receipt result. */
    static ReceiptResult result(ReceiptClaim claim, CreditResult credit, boolean replayed) {
        return new ReceiptResult(claim.receiptId(), claim.storeId(), claim.amount(), claim.coins(), claim.xp(),
                credit.leveledUp(), replayed, credit.creditedAt(),
                new ReceiptResult.UserBalance(claim.userId(), credit.account().coins(), credit.account().xp(),
                        credit.account().level()));
    }
}
