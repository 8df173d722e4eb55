package com.mallquest.core.domain.receipts;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Likely duplicates for the reviewer. Every claim at a store whose policy is {@code review} adds its receipt id to two
 * marker items ({@link ReceiptItems}): one per id normalised for case and separators ({@code R-1001} ≈ {@code r1001}),
 * one per store, amount and minute of purchase. A queue entry whose markers hold another receipt id is flagged with
 * those ids. Markers are advisory (a lost one only loses a flag) and written idempotently (a set {@code ADD}), so a
 * retry of the submission repairs one a crash left out.
 */
final class DuplicateMarkers {

    /** How long a marker is kept: longer than any claim waits for review. */
    static final Duration KEEP = Duration.ofDays(120);

    private final DynamoDbClient dynamo;
    private final String table;

    DuplicateMarkers(DynamoDbClient dynamo, String receiptsTable) {
        this.dynamo = dynamo;
        this.table = receiptsTable;
    }

    void record(ReceiptClaim claim) {
        long expiresAt = claim.claimedAt().plus(KEEP).getEpochSecond();
        for (Map<String, AttributeValue> key : List.of(idKey(claim), minuteKey(claim))) {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key)
                    .updateExpression("ADD #ids :id SET #expires = if_not_exists(#expires, :expires)")
                    .expressionAttributeNames(Map.of("#ids", ReceiptItems.RECEIPT_IDS, "#expires", ReceiptItems.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":id", AttributeValue.fromSs(List.of(claim.receiptId())),
                            ":expires", ReceiptItems.n(expiresAt)))
                    .build());
        }
    }

    /** The flags of each claim (by its receipt id), empty lists for none. At most 50 claims (100 keys per read). */
    Map<ReceiptClaim, List<DuplicateFlag>> flags(List<ReceiptClaim> claims) {
        Map<String, Set<String>> markers = read(claims);
        Map<ReceiptClaim, List<DuplicateFlag>> flags = new LinkedHashMap<>();
        for (ReceiptClaim claim : claims) {
            List<DuplicateFlag> list = new ArrayList<>();
            addFlag(list, DuplicateFlag.SIMILAR_ID, markers.get(idKey(claim).get(ReceiptItems.PK).s()), claim.receiptId());
            addFlag(list, DuplicateFlag.SAME_AMOUNT_AND_MINUTE, markers.get(minuteKey(claim).get(ReceiptItems.PK).s()), claim.receiptId());
            flags.put(claim, list);
        }
        return flags;
    }

    private static void addFlag(List<DuplicateFlag> flags, String reason, Set<String> ids, String own) {
        if (ids == null) {
            return;
        }
        Set<String> others = new TreeSet<>(ids);
        others.remove(own);
        if (!others.isEmpty()) {
            flags.add(new DuplicateFlag(reason, List.copyOf(others)));
        }
    }

    private Map<String, Set<String>> read(List<ReceiptClaim> claims) {
        Map<String, Map<String, AttributeValue>> keys = new LinkedHashMap<>();
        for (ReceiptClaim claim : claims) {
            for (Map<String, AttributeValue> key : List.of(idKey(claim), minuteKey(claim))) {
                keys.put(key.get(ReceiptItems.PK).s(), key);
            }
        }
        Map<String, Set<String>> markers = new HashMap<>();
        if (keys.isEmpty()) {
            return markers;
        }
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder()
                .keys(new ArrayList<>(keys.values())).consistentRead(true).build());
        for (int attempt = 0; attempt < 5 && !request.isEmpty(); attempt++) {
            Map<String, KeysAndAttributes> next = request;
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(next));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                AttributeValue ids = item.get(ReceiptItems.RECEIPT_IDS);
                markers.put(item.get(ReceiptItems.PK).s(), ids == null ? Set.of() : Set.copyOf(ids.ss()));
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return markers;
    }

    private static Map<String, AttributeValue> idKey(ReceiptClaim claim) {
        return ReceiptItems.idMarkerKey(claim.storeId(), claim.receiptId());
    }

    private static Map<String, AttributeValue> minuteKey(ReceiptClaim claim) {
        return ReceiptItems.minuteMarkerKey(claim.storeId(), claim.amount(), claim.purchasedAt());
    }
}
