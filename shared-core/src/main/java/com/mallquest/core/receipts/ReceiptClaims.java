package com.mallquest.core.receipts;

import com.mallquest.core.ledger.CreditResult;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Receipts table: one claim item per {@code (storeId, receiptId)}. A claim waiting for its credit carries
 * {@code pendingShard}/{@code pendingSince}, which puts it in the sparse GSI {@code pending-index}; marking it
 * credited removes both, so the index only ever holds unfinished claims.
 */
public final class ReceiptClaims {

    static final String PENDING_INDEX = "pending-index";
    /** Pending claims spread over this many index partitions. */
    static final int PENDING_SHARDS = 4;
    private static final DateTimeFormatter SORTABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamo;
    private final String table;

    public ReceiptClaims(DynamoDbClient dynamo, String receiptsTable) {
        this.dynamo = dynamo;
        this.table = receiptsTable;
    }

    static String pk(String storeId, String receiptId) {
        return "RECEIPT#" + storeId + "#" + receiptId;
    }

    /** Creates the claim; when the receipt was claimed before, returns that claim instead (nothing is written). */
    Optional<ReceiptClaim> create(ReceiptClaim claim) {
        String pk = pk(claim.storeId(), claim.receiptId());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk));
        item.put("userId", s(claim.userId()));
        item.put("storeId", s(claim.storeId()));
        item.put("receiptId", s(claim.receiptId()));
        item.put("amount", n(claim.amount().toPlainString()));
        item.put("purchasedAt", s(claim.purchasedAt().toString()));
        item.put("claimedAt", s(SORTABLE_TIME.format(claim.claimedAt())));
        item.put("coins", n(Long.toString(claim.coins())));
        item.put("xp", n(Long.toString(claim.xp())));
        item.put("status", s(ReceiptClaim.PENDING));
        item.put("pendingShard", s(shard(pk)));
        item.put("pendingSince", s(SORTABLE_TIME.format(claim.claimedAt())));
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = e.hasItem() && !e.item().isEmpty() ? e.item() : get(pk);
            if (existing == null) {
                throw new IllegalStateException("claim " + pk + " reported existing but cannot be read");
            }
            return Optional.of(fromItem(existing));
        }
    }

    /** Records the credit's outcome on the claim and takes it out of the pending index. */
    void markCredited(ReceiptClaim claim, ReceiptResult result) {
        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(Map.of("pk", s(pk(claim.storeId(), claim.receiptId()))))
                .updateExpression("SET #status = :credited, coinsAfter = :coins, xpAfter = :xp, levelAfter = :level, "
                        + "leveledUp = :up, creditedAt = :at REMOVE pendingShard, pendingSince")
                .conditionExpression("userId = :userId")
                .expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":credited", s(ReceiptClaim.CREDITED),
                        ":coins", n(Long.toString(result.user().coins())),
                        ":xp", n(Long.toString(result.user().xp())),
                        ":level", n(Integer.toString(result.user().level())),
                        ":up", AttributeValue.builder().bool(result.leveledUp()).build(),
                        ":at", s(SORTABLE_TIME.format(result.creditedAt())),
                        ":userId", s(claim.userId())))
                .build());
    }

    /** Up to {@code limit} claims pending since before {@code olderThan}, oldest first per shard. */
    List<ReceiptClaim> pending(Instant olderThan, int limit) {
        List<ReceiptClaim> claims = new ArrayList<>();
        for (int shard = 0; shard < PENDING_SHARDS && claims.size() < limit; shard++) {
            QueryResponse response = dynamo.query(QueryRequest.builder()
                    .tableName(table)
                    .indexName(PENDING_INDEX)
                    .keyConditionExpression("pendingShard = :shard AND pendingSince < :before")
                    .expressionAttributeValues(Map.of(":shard", s("p" + shard), ":before", s(SORTABLE_TIME.format(olderThan))))
                    .limit(limit - claims.size())
                    .build());
            response.items().forEach(item -> claims.add(fromItem(item)));
        }
        return claims;
    }

    /** The claims of a container's Receipts table. */
    public static ReceiptClaims of(com.mallquest.core.lambda.CoreServices core) {
        return new ReceiptClaims(core.dynamoDb(), core.settings().receiptsTable());
    }

    /** The claim of a receipt, if any (strongly consistent): who claimed it, the amounts fixed at claim time, its status. */
    public Optional<ReceiptClaim> find(String storeId, String receiptId) {
        return Optional.ofNullable(get(pk(storeId, receiptId))).map(ReceiptClaims::fromItem);
    }

    private Map<String, AttributeValue> get(String pk) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(Map.of("pk", s(pk))).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    static String shard(String pk) {
        return "p" + Math.floorMod(pk.hashCode(), PENDING_SHARDS);
    }

    static ReceiptClaim fromItem(Map<String, AttributeValue> item) {
        String userId = item.get("userId").s();
        String storeId = item.get("storeId").s();
        String receiptId = item.get("receiptId").s();
        BigDecimal amount = new BigDecimal(item.get("amount").n());
        long coins = Long.parseLong(item.get("coins").n());
        long xp = Long.parseLong(item.get("xp").n());
        String status = item.get("status").s();
        ReceiptResult result = null;
        if (ReceiptClaim.CREDITED.equals(status)) {
            result = new ReceiptResult(receiptId, storeId, amount, coins, xp, item.get("leveledUp").bool(), true,
                    Instant.parse(item.get("creditedAt").s()),
                    new ReceiptResult.UserBalance(userId, Long.parseLong(item.get("coinsAfter").n()),
                            Long.parseLong(item.get("xpAfter").n()), Integer.parseInt(item.get("levelAfter").n())));
        }
        return new ReceiptClaim(userId, storeId, receiptId, amount, Instant.parse(item.get("purchasedAt").s()),
                Instant.parse(item.get("claimedAt").s()), coins, xp, status, result);
    }

    /** A credit's outcome as a receipt result. */
    static ReceiptResult result(ReceiptClaim claim, CreditResult credit, boolean replayed) {
        return new ReceiptResult(claim.receiptId(), claim.storeId(), claim.amount(), claim.coins(), claim.xp(),
                credit.leveledUp(), replayed, credit.creditedAt(),
                new ReceiptResult.UserBalance(claim.userId(), credit.account().coins(), credit.account().xp(),
                        credit.account().level()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(String value) {
        return AttributeValue.builder().n(value).build();
    }
}
