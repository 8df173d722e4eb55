package com.mallquest.core.domain.receipts;

import com.mallquest.core.domain.ledger.CreditItems;
import com.mallquest.core.platform.errors.DomainException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The fraud limits, counted durably so they hold in every container: per user and UTC day at most
 * {@code RECEIPT_DAILY_COIN_LIMIT} receipt coins and at most {@code RECEIPT_DAILY_STORE_LIMIT} receipts per store.
 *
 * <p>One item per user and day ({@code LIMIT#<userId>#<day>}, {@link ReceiptItems}) is updated by one conditional
 * update (in the credit's transaction for a signed receipt, {@link #countWithCredit}; alone for one waiting for review,
 * {@link #count}): it adds the receipt's coins and one receipt of its store, and the claim key to the set
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
     * Counts {@code claim} against its user's limits of its day; does nothing when it was counted before (that is
     * checked first: a claim counted and credited under a higher limit is never refused afterwards).
     *
     * @throws DomainException 422 {@code daily_coin_limit_reached} or {@code daily_store_limit_reached}; nothing is counted
     */
    void count(ReceiptClaim claim) {
        if (claim.coins() > coinLimit) { // the condition cannot say so for a day's first claim: read what was counted
            Map<String, AttributeValue> item = dynamo.getItem(GetItemRequest.builder().tableName(table)
                    .key(limitKey(claim)).consistentRead(true).build()).item();
            if (counted(item, claim)) {
                return;
            }
            throw coinLimitReached();
        }
        Update update = update(claim);
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(update.key())
                    .updateExpression(update.updateExpression()).conditionExpression(update.conditionExpression())
                    .expressionAttributeNames(update.expressionAttributeNames())
                    .expressionAttributeValues(update.expressionAttributeValues())
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : dynamo.getItem(GetItemRequest.builder().tableName(table).key(limitKey(claim)).consistentRead(true).build()).item();
            if (!counted(item, claim)) { // counted by an earlier attempt of this claim: nothing to do
                throw refusal(item, claim);
            }
        }
    }

    /**
     * The count of a claim made in the same transaction as its credit ({@link CreditItems}): such a claim is new, so
     * it was never counted, and a failed condition is one of the limits.
     *
     * @throws DomainException 422 {@code daily_coin_limit_reached} at once when the receipt alone passes the limit
     */
    CreditItems.Item countWithCredit(ReceiptClaim claim) {
        if (claim.coins() > coinLimit) {
            throw coinLimitReached();
        }
        TransactWriteItem write = TransactWriteItem.builder().update(update(claim)).build();
        return CreditItems.item(write, old -> refusal(old, claim));
    }

    /** Adds the claim's coins and store receipt and its key to {@code counted}, if not counted and within both limits. */
    private Update update(ReceiptClaim claim) {
        LocalDate day = claim.claimedAt().atOffset(ZoneOffset.UTC).toLocalDate();
        long expiresAt = day.plusDays(2).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        String claimKey = ReceiptItems.claimPk(claim.storeId(), claim.receiptId());
        return Update.builder().tableName(table).key(limitKey(claim))
                .updateExpression("ADD #coins :coins, #store :one, #counted :claimSet SET #expires = if_not_exists(#expires, :expires)")
                .conditionExpression("NOT contains(#counted, :claim) "
                        + "AND (attribute_not_exists(#coins) OR #coins <= :coinRoom) "
                        + "AND (attribute_not_exists(#store) OR #store < :storeLimit)")
                .expressionAttributeNames(Map.of("#coins", ReceiptItems.COINS, "#store", ReceiptItems.storeCountAttribute(claim.storeId()),
                        "#counted", ReceiptItems.COUNTED, "#expires", ReceiptItems.EXPIRES_AT))
                .expressionAttributeValues(Map.of(
                        ":coins", ReceiptItems.n(claim.coins()),
                        ":one", ReceiptItems.n(1),
                        ":claimSet", AttributeValue.fromSs(List.of(claimKey)),
                        ":claim", ReceiptItems.s(claimKey),
                        ":coinRoom", ReceiptItems.n(coinLimit - claim.coins()),
                        ":storeLimit", ReceiptItems.n(storeLimit),
                        ":expires", ReceiptItems.n(expiresAt)))
                .build();
    }

    private static Map<String, AttributeValue> limitKey(ReceiptClaim claim) {
        return ReceiptItems.limitKey(claim.userId(), claim.claimedAt().atOffset(ZoneOffset.UTC).toLocalDate());
    }

    private static boolean counted(Map<String, AttributeValue> item, ReceiptClaim claim) {
        AttributeValue counted = item == null ? null : item.get(ReceiptItems.COUNTED);
        return counted != null && counted.hasSs() && counted.ss().contains(ReceiptItems.claimPk(claim.storeId(), claim.receiptId()));
    }

    /** Which limit the day's counts (as the failed condition found them) leave no room in. */
    private DomainException refusal(Map<String, AttributeValue> item, ReceiptClaim claim) {
        AttributeValue coins = item == null ? null : item.get(ReceiptItems.COINS);
        if (coins != null && Long.parseLong(coins.n()) + claim.coins() > coinLimit) {
            return coinLimitReached();
        }
        return DomainException.rejected("daily_store_limit_reached", "You have claimed " + storeLimit
                + " receipts of this store today, the most one day allows; try again tomorrow");
    }

    private DomainException coinLimitReached() {
        return DomainException.rejected("daily_coin_limit_reached", "Receipts can earn at most " + coinLimit
                + " coins a day; this one would pass today's limit. Try again tomorrow");
    }
}
