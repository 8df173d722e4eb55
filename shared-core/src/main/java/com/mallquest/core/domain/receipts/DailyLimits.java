package com.mallquest.core.domain.receipts;

import com.mallquest.core.platform.errors.DomainException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The fraud limits, counted durably so they hold in every container: per user and UTC day at most
 * {@code RECEIPT_DAILY_COIN_LIMIT} receipt coins and at most {@code RECEIPT_DAILY_STORE_LIMIT} receipts per store.
 *
 * <p>One item per user and day ({@code LIMIT#<userId>#<day>}, {@link ReceiptItems}) is updated by one conditional
 * {@code UpdateItem}: it adds the receipt's coins and one receipt of its store, and the claim key to the set
 * {@code counted}, only if the claim is not counted yet and both totals stay within their limits. So
 * <ul>
 *   <li>concurrent receipts in any number of containers can never pass a limit together (one atomic condition);</li>
 *   <li>counting is idempotent per claim: a retry, an approval or the cleanup job finishing a claim after a crash
 *       finds it counted and does not count it again;</li>
 *   <li>a refused receipt changes nothing (the whole update is refused), and its claim is released by the caller.</li>
 * </ul>
 * The day is the claim's {@code claimedAt} day, fixed in the claim, so a claim finished after midnight counts on
 * the day it was made. The item expires two days after its day.
 */
final class DailyLimits {

    private final DynamoDbClient dynamo;
    private final String table;
    private final long coinLimit;
    private final int storeLimit;

    DailyLimits(DynamoDbClient dynamo, String receiptsTable, long coinLimit, int storeLimit) {
        this.dynamo = dynamo;
        this.table = receiptsTable;
        this.coinLimit = coinLimit;
        this.storeLimit = storeLimit;
    }

    /**
     * Counts {@code claim} against its user's limits of its day; does nothing when it was counted before.
     *
     * @throws DomainException 422 {@code daily_coin_limit_reached} or {@code daily_store_limit_reached}; nothing is counted
     */
    void count(ReceiptClaim claim) {
        LocalDate day = claim.claimedAt().atOffset(ZoneOffset.UTC).toLocalDate();
        if (claim.coins() > coinLimit) {
            throw coinLimitReached();
        }
        String claimKey = ReceiptItems.claimPk(claim.storeId(), claim.receiptId());
        Map<String, AttributeValue> key = ReceiptItems.limitKey(claim.userId(), day);
        long expiresAt = day.plusDays(2).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key)
                    .updateExpression("ADD #coins :coins, #store :one, #counted :claimSet SET #expires = if_not_exists(#expires, :expires)")
                    .conditionExpression("NOT contains(#counted, :claim) "
                            + "AND (attribute_not_exists(#coins) OR #coins <= :coinRoom) "
                            + "AND (attribute_not_exists(#store) OR #store < :storeLimit)")
                    .expressionAttributeNames(Map.of("#coins", ReceiptItems.COINS, "#store", ReceiptItems.storeCountAttribute(claim.storeId()),
                            "#counted", ReceiptItems.COUNTED, "#expires", ReceiptItems.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(
                            ":coins", ReceiptItems.n(claim.coins()),
                            ":one", ReceiptItems.n(1),
                            ":claimSet", AttributeValue.fromSs(java.util.List.of(claimKey)),
                            ":claim", ReceiptItems.s(claimKey),
                            ":coinRoom", ReceiptItems.n(coinLimit - claim.coins()),
                            ":storeLimit", ReceiptItems.n(storeLimit),
                            ":expires", ReceiptItems.n(expiresAt)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build()).item();
            AttributeValue counted = item.get(ReceiptItems.COUNTED);
            if (counted != null && counted.ss().contains(claimKey)) {
                return; // counted by an earlier attempt of this claim
            }
            AttributeValue coins = item.get(ReceiptItems.COINS);
            if (coins != null && Long.parseLong(coins.n()) + claim.coins() > coinLimit) {
                throw coinLimitReached();
            }
            throw DomainException.rejected("daily_store_limit_reached", "You have claimed " + storeLimit
                    + " receipts of this store today, the most one day allows; try again tomorrow");
        }
    }

    private DomainException coinLimitReached() {
        return DomainException.rejected("daily_coin_limit_reached", "Receipts can earn at most " + coinLimit
                + " coins a day; this one would pass today's limit. Try again tomorrow");
    }
}
