package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.domain.gamification.Gamification;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.domain.receipts.ReceiptClaim;
import com.mallquest.core.domain.receipts.ReceiptClaims;
import com.mallquest.core.domain.stores.Store;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Pattern;

import static com.mallquest.core.domain.spending.SpendingItems.COMPLETED;
import static com.mallquest.core.domain.spending.SpendingItems.INPROGRESS;
import static com.mallquest.core.domain.spending.SpendingItems.LEASE_UNTIL;
import static com.mallquest.core.domain.spending.SpendingItems.REJECTED;
import static com.mallquest.core.domain.spending.SpendingItems.STATE;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * Refunds of credited receipts (returns), {@code POST /admin/receipts/{storeId}/{receiptId}/refund}: by that store's
 * staff or an admin; full or partial, several partial ones allowed, never more in total than the purchase; each
 * {@code refundId} exactly once. The same chain of conditional single-item writes as a redemption:
 * <ol>
 *   <li><b>record</b> {@code RECEIPT#<store>#<receipt>/REFUND#<refundId>} put with {@code attribute_not_exists}
 *       ({@code INPROGRESS}, lease, the amount and what the receipt credited, fixed for every later attempt); a repeat
 *       is replayed, another amount is 409 {@code refund_details_differ};</li>
 *   <li><b>total</b> {@code RECEIPT#…/REFUNDS}: {@code refundedCents += amount} if it stays within the purchase, and the
 *       cumulative total right after this refund is remembered under {@code c_<refundId>} in the same write, so a
 *       repeat finds it instead of adding again; over the purchase: 422 {@code refund_exceeds_purchase};</li>
 *   <li><b>reversal</b> through the {@link Ledger} (credit {@code refund:<store>:<receipt>:<refundId>}, kind
 *       {@link CreditKind#RECEIPT_REFUND}, exactly once): this refund's share of the receipt's coins and XP is
 *       {@code floor(C·after/P) − floor(C·before/P)} for the cumulative refunded amounts before and after it, so all
 *       refunds of a receipt together reverse at most {@code C} (exactly {@code C} when fully refunded), whatever their
 *       order;</li>
 *   <li>record → {@code COMPLETED}.</li>
 * </ol>
 * <b>Coins already spent</b>: a receipt refund is the one credit the ledger lets take the balance below zero
 * ({@link CreditKind#mayOverdraw}). The shopper's balance shows 0 and the shortfall as {@code coinsOwed}; the next
 * credits pay it off first (they add to a negative balance), and nothing can be redeemed until it is paid. The mall
 * loses nothing, and the shopper keeps what was redeemed. XP going down may lower the level.
 */
public final class ReceiptRefunds {

    private static final Pattern RECEIPT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Refunds one receipt may have (each is an attribute of its total item). */
    static final int MAX_REFUNDS_PER_RECEIPT = 50;

    private final DynamoDbClient dynamo;
    private final String table;
    private final ReceiptClaims claims;
    private final Ledger ledger;
    private final Clock clock;
    private final Duration lease;
    private final Gamification gamification;

    public ReceiptRefunds(DynamoDbClient dynamo, String spendingTable, ReceiptClaims claims, Ledger ledger, Clock clock,
                          Duration lease, Gamification gamification) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.claims = claims;
        this.ledger = ledger;
        this.clock = clock;
        this.lease = lease;
        this.gamification = gamification;
    }


    /**
     * Refunds {@code request.amount()} of receipt {@code (storeId, receiptId)}.
     *
     * @throws DomainException 403 {@code not_your_store}; 404 {@code receipt_not_found}; 422
     *                         {@code receipt_not_credited} (pending review, rejected or still being credited),
     *                         {@code refund_exceeds_purchase}, {@code too_many_refunds}; 409
     *                         {@code refund_details_differ}, {@code refund_in_progress}
     */
    public ReceiptRefund refund(Caller caller, String storeId, String receiptId, RefundRequest request) {
        if (!Store.ID.matcher(storeId).matches()) {
            throw DomainException.invalid("storeId", "storeId must be 1 to 40 lower-case letters, digits or '-'");
        }
        if (!RECEIPT_ID.matcher(receiptId).matches()) {
            throw DomainException.invalid("receiptId", "receiptId must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (!caller.mayManageStore(storeId)) {
            throw DomainException.forbidden("not_your_store", "Only " + storeId + "'s staff or an administrator may refund its receipts");
        }
        ReceiptClaim claim = claims.find(storeId, receiptId).orElseThrow(() -> DomainException.notFound("receipt_not_found",
                "Receipt " + receiptId + " of " + storeId + " was never submitted"));
        if (!claim.credited()) {
            throw DomainException.rejected("receipt_not_credited", "Receipt " + receiptId + " has not been credited ("
                    + claim.status().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): there is nothing to reverse");
        }
        long purchaseCents = claim.amount().movePointRight(2).longValueExact();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        RefundRecord fresh = new RefundRecord(storeId, receiptId, request.refundId(), claim.userId(), request.amountCents(),
                purchaseCents, claim.coins(), claim.xp(), caller.userId(), now, INPROGRESS, null, null, null, null, null,
                null, null);
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(SpendingItems.newRefund(fresh, now.plus(lease), now.plus(lease).plusSeconds(30)))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : get(SpendingItems.refundKey(storeId, receiptId, request.refundId()));
            RefundRecord earlier = SpendingItems.refund(existing);
            if (earlier.amountCents() != request.amountCents()) {
                throw DomainException.conflict("refund_details_differ",
                        "Refund " + request.refundId() + " was made for another amount; use a new refundId");
            }
            return continueExisting(earlier);
        }
        return run(fresh);
    }

    /** Finishes a refund left {@code INPROGRESS} past its lease (the cleanup job); true when this call finished it. */
    boolean resume(Map<String, AttributeValue> item) {
        RefundRecord record = SpendingItems.refund(item);
        if (!INPROGRESS.equals(record.state()) || !takeOver(record)) {
            return false;
        }
        try {
            run(record);
        } catch (DomainException e) {
            // refused: the record says REJECTED
        }
        return true;
    }

    private ReceiptRefund continueExisting(RefundRecord record) {
        switch (record.state()) {
            case COMPLETED:
                return view(record, record.cumulativeCents(), record.coinsReversed(), record.xpReversed(), true);
            case REJECTED:
                throw DomainException.rejected(record.errorCode(), record.errorMessage());
            default:
                if (takeOver(record)) {
                    return run(record);
                }
                throw DomainException.conflict("refund_in_progress", "This refund is being applied by another request; retry shortly")
                        .retryAfter(Duration.ofSeconds(1));
        }
    }

    private ReceiptRefund run(RefundRecord record) {
        long after = addToTotal(record);
        long before = after - record.amountCents();
        long coins = share(record.creditedCoins(), after, record.purchaseCents()) - share(record.creditedCoins(), before, record.purchaseCents());
        long xp = share(record.creditedXp(), after, record.purchaseCents()) - share(record.creditedXp(), before, record.purchaseCents());
        CreditResult reversal = ledger.credit(new Credit(record.userId(), record.creditId(), -coins, -xp, CreditKind.RECEIPT_REFUND,
                Map.of("storeId", record.storeId(), "receiptId", record.receiptId(), "refundId", record.refundId(),
                        "amount", BigDecimal.valueOf(record.amountCents(), 2).toPlainString())));
        gamification.onCredited(reversal); // lowers the leaderboards, once; before COMPLETED, so a crash repeats it
        long balance = reversal.account().coins();
        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(SpendingItems.refundKey(record.storeId(), record.receiptId(), record.refundId()))
                .updateExpression("SET #state = :completed, cumulativeCents = :after, coinsReversed = :coins, "
                        + "xpReversed = :xp, balanceAfter = :balance REMOVE #lease, #dueShard, #dueAt")
                .expressionAttributeNames(Map.of("#state", STATE, "#lease", LEASE_UNTIL,
                        "#dueShard", SpendingItems.DUE_SHARD, "#dueAt", SpendingItems.DUE_AT))
                .expressionAttributeValues(Map.of(":completed", s(COMPLETED), ":after", n(after), ":coins", n(coins),
                        ":xp", n(xp), ":balance", n(balance)))
                .build());
        return view(record, after, coins, xp, false);
    }

    /** {@code credited · refunded / purchase}, rounded down (exact integer arithmetic). */
    static long share(long credited, long refundedCents, long purchaseCents) {
        return java.math.BigInteger.valueOf(credited).multiply(java.math.BigInteger.valueOf(refundedCents))
                .divide(java.math.BigInteger.valueOf(purchaseCents)).longValueExact();
    }

    /** Step 2: adds the amount to the receipt's refunded total once; returns the cumulative total right after it. */
    private long addToTotal(RefundRecord record) {
        String cumulative = SpendingItems.cumulativeAttribute(record.refundId());
        Map<String, AttributeValue> key = SpendingItems.refundTotalKey(record.storeId(), record.receiptId());
        try {
            Map<String, AttributeValue> after = dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(key)
                    .updateExpression("SET #total = if_not_exists(#total, :zero) + :amount, "
                            + "#mine = if_not_exists(#total, :zero) + :amount ADD #count :one")
                    .conditionExpression("attribute_not_exists(#mine) AND (attribute_not_exists(#total) OR #total <= :maxBefore) "
                            + "AND (attribute_not_exists(#count) OR #count < :maxCount)")
                    .expressionAttributeNames(Map.of("#total", SpendingItems.REFUNDED_CENTS, "#mine", cumulative,
                            "#count", SpendingItems.REFUND_COUNT))
                    .expressionAttributeValues(Map.of(":zero", n(0), ":amount", n(record.amountCents()), ":one", n(1),
                            ":maxBefore", n(record.purchaseCents() - record.amountCents()),
                            ":maxCount", n(MAX_REFUNDS_PER_RECEIPT)))
                    .returnValues(ReturnValue.ALL_NEW)
                    .build()).attributes();
            return Long.parseLong(after.get(cumulative).n());
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> current = get(key);
            Long mine = current == null ? null : SpendingItems.optNum(current, cumulative);
            if (mine != null) {
                return mine; // added by an earlier attempt of this refund
            }
            long refunded = current == null ? 0 : com.mallquest.core.platform.dynamo.Attributes.number(current, SpendingItems.REFUNDED_CENTS);
            if (current != null && com.mallquest.core.platform.dynamo.Attributes.number(current, SpendingItems.REFUND_COUNT) >= MAX_REFUNDS_PER_RECEIPT) {
                throw reject(record, "too_many_refunds", "Receipt " + record.receiptId() + " has had "
                        + MAX_REFUNDS_PER_RECEIPT + " refunds, the most one receipt may have");
            }
            BigDecimal refundable = BigDecimal.valueOf(record.purchaseCents() - refunded, 2);
            throw reject(record, "refund_exceeds_purchase", "At most " + refundable.toPlainString()
                    + " of this receipt is left to refund").detail("refundable", refundable);
        }
    }

    private DomainException reject(RefundRecord record, String code, String message) {
        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(SpendingItems.refundKey(record.storeId(), record.receiptId(), record.refundId()))
                .updateExpression("SET #state = :rejected, errorCode = :code, errorMessage = :message "
                        + "REMOVE #lease, #dueShard, #dueAt")
                .expressionAttributeNames(Map.of("#state", STATE, "#lease", LEASE_UNTIL,
                        "#dueShard", SpendingItems.DUE_SHARD, "#dueAt", SpendingItems.DUE_AT))
                .expressionAttributeValues(Map.of(":rejected", s(REJECTED), ":code", s(code), ":message", s(message)))
                .build());
        return DomainException.rejected(code, message);
    }

    private boolean takeOver(RefundRecord record) {
        Instant now = clock.instant();
        if (record.leaseUntil() == null || record.leaseUntil() > now.toEpochMilli()) {
            return false;
        }
        try {
            dynamo.updateItem(SpendingItems.takeOverLease(table, SpendingItems.refundKey(record.storeId(), record.receiptId(), record.refundId()),
                    record.leaseUntil(), now.plus(lease).toEpochMilli()));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static ReceiptRefund view(RefundRecord record, long cumulativeCents, long coins, long xp, boolean replayed) {
        return new ReceiptRefund(record.refundId(), record.storeId(), record.receiptId(),
                BigDecimal.valueOf(record.amountCents(), 2), BigDecimal.valueOf(cumulativeCents, 2),
                BigDecimal.valueOf(record.purchaseCents() - cumulativeCents, 2), coins, xp, replayed);
    }

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }
}
