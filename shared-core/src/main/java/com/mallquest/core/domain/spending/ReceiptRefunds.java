package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.json.Json;
import com.mallquest.core.domain.audit.AuditAction;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditItems;
import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.gamification.Gamification;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditItems;
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
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static com.mallquest.core.domain.spending.SpendingItems.COMPLETED;
import static com.mallquest.core.domain.spending.SpendingItems.REJECTED;
import static com.mallquest.core.platform.dynamo.Attributes.n;

/**
 * Refunds of credited receipts (returns), {@code POST /admin/receipts/{storeId}/{receiptId}/refund}: by that store's
 * staff or an admin; full or partial, several partial ones allowed, never more in total than the purchase; each
 * {@code refundId} exactly once. A refund is one read of the receipt's refunded total and one ledger reversal
 * ({@link Ledger#credit(Credit, CreditItems)}: the profile's read, one transaction), credit id
 * {@code refund:<store>:<receipt>:<refundId>}, kind {@link CreditKind#RECEIPT_REFUND}, whose extra items are:
 * <ol>
 *   <li>the <b>refund record</b> {@code RECEIPT#<store>#<receipt>/REFUND#<refundId>}, {@code attribute_not_exists},
 *       written {@code COMPLETED} at once with the cumulative total, the amounts reversed and the balance after; found:
 *       the same amount → the recorded answer (a replay), another amount → 409 {@code refund_details_differ};</li>
 *   <li>the receipt's <b>refunded total</b> {@code RECEIPT#…/REFUNDS}: set to {@code before + amount} on condition that it
 *       is still the {@code before} read (and fewer than {@value #MAX_REFUNDS_PER_RECEIPT} refunds); a concurrent refund
 *       of the same receipt moved it: read again and retry (bounded, jittered).</li>
 * </ol>
 * This refund's share of the receipt's coins and XP is {@code floor(C·after/P) − floor(C·before/P)} for the cumulative
 * refunded amounts before and after it, so all refunds of a receipt together reverse at most {@code C} (exactly {@code C}
 * when fully refunded), whatever their order; the total's condition makes {@code before} exact. Over the purchase: 422
 * {@code refund_exceeds_purchase}; past the count: 422 {@code too_many_refunds}; either is recorded {@code REJECTED}
 * (a repeat gets the same answer) unless the record exists, which then answers. A crash before the transaction leaves
 * nothing, after it the whole refund: the retry is a replay.
 *
 * <p><b>Coins already spent</b>: a receipt refund is the one credit the ledger lets take the balance below zero
 * ({@link CreditKind#mayOverdraw}). The shopper's balance shows 0 and the shortfall as {@code coinsOwed}; the next
 * credits pay it off first (they add to a negative balance), and nothing can be redeemed until it is paid. The mall
 * loses nothing, and the shopper keeps what was redeemed. XP going down may lower the level; the leaderboards are
 * lowered by {@link Gamification#onCredited} after the transaction, and again (a no-op when done) on a replay.
 */
public final class ReceiptRefunds {

    private static final Pattern RECEIPT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Refunds one receipt may have. */
    static final int MAX_REFUNDS_PER_RECEIPT = 50;
    /** Reads of the refunded total one refund makes at most while concurrent refunds of the receipt keep moving it. */
    static final int MAX_TRIES = 20;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String auditTable;
    private final ReceiptClaims claims;
    private final Ledger ledger;
    private final Clock clock;
    private final Gamification gamification;

    /** @param auditTable the audit trail's table: each applied refund is written there in its reversal's transaction */
    public ReceiptRefunds(DynamoDbClient dynamo, String spendingTable, String auditTable, ReceiptClaims claims, Ledger ledger,
                          Clock clock, Gamification gamification) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.auditTable = auditTable;
        this.claims = claims;
        this.ledger = ledger;
        this.clock = clock;
        this.gamification = gamification;
    }

    /** The refund record found in the reversal's transaction (or on a refusal's put): it answers the request. */
    private static final class Recorded extends RuntimeException {
        private final Map<String, AttributeValue> item;

        Recorded(Map<String, AttributeValue> item) {
            super("refund recorded before", null, false, false);
            this.item = item;
        }
    }

    /** The receipt's refunded total moved since it was read (a concurrent refund of the same receipt). */
    private static final class TotalMoved extends RuntimeException {
        TotalMoved() {
            super("refunded total moved", null, false, false);
        }
    }

    /**
     * Refunds {@code request.amount()} of receipt {@code (storeId, receiptId)}.
     *
     * @throws DomainException 403 {@code not_your_store}; 404 {@code receipt_not_found}; 422
     *                         {@code receipt_not_credited} (pending review or rejected),
     *                         {@code refund_exceeds_purchase}, {@code too_many_refunds}; 409
     *                         {@code refund_details_differ}; 503 {@code ledger_busy}
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
                    + claim.status().toLowerCase(Locale.ROOT).replace('_', ' ') + "): there is nothing to reverse");
        }
        RefundRecord record = new RefundRecord(storeId, receiptId, request.refundId(), claim.userId(), request.amountCents(),
                claim.amount().movePointRight(2).longValueExact(), claim.coins(), claim.xp(), caller.userId(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), COMPLETED, null, null, null, null, null, null);
        for (int tries = 1; ; tries++) {
            try {
                return apply(caller, record, get(SpendingItems.refundTotalKey(storeId, receiptId)));
            } catch (Recorded e) {
                return recorded(e.item, record);
            } catch (TotalMoved e) {
                if (tries >= MAX_TRIES) {
                    throw DomainException.unavailable("ledger_busy",
                            "Too many refunds of receipt " + receiptId + " at once; retry shortly", Duration.ofSeconds(1));
                }
                Transaction.backOff(tries);
            } catch (DomainException e) {
                if ("credit_mismatch".equals(e.code())) {
                    // reversed before, when the receipt's total was another: the record says what this refund did
                    return recorded(get(SpendingItems.refundKey(storeId, receiptId, request.refundId())), record);
                }
                if (e.kind() != DomainException.Kind.REJECTED) {
                    throw e;
                }
                return refused(record, e);
            }
        }
    }

    /**
     * The reversal of {@code record} on the refunded total as read ({@code total}: null when none yet), with its audit
     * entry by {@code caller}.
     */
    private ReceiptRefund apply(Caller caller, RefundRecord record, Map<String, AttributeValue> total) {
        long before = total == null ? 0 : com.mallquest.core.platform.dynamo.Attributes.number(total, SpendingItems.REFUNDED_CENTS);
        long count = total == null ? 0 : com.mallquest.core.platform.dynamo.Attributes.number(total, SpendingItems.REFUND_COUNT);
        if (count >= MAX_REFUNDS_PER_RECEIPT) {
            throw DomainException.rejected("too_many_refunds", "Receipt " + record.receiptId() + " has had "
                    + MAX_REFUNDS_PER_RECEIPT + " refunds, the most one receipt may have");
        }
        long after = before + record.amountCents();
        if (after > record.purchaseCents()) {
            BigDecimal refundable = BigDecimal.valueOf(record.purchaseCents() - before, 2);
            throw DomainException.rejected("refund_exceeds_purchase", "At most " + refundable.toPlainString()
                    + " of this receipt is left to refund").detail("refundable", refundable);
        }
        long coins = share(record.creditedCoins(), after, record.purchaseCents()) - share(record.creditedCoins(), before, record.purchaseCents());
        long xp = share(record.creditedXp(), after, record.purchaseCents()) - share(record.creditedXp(), before, record.purchaseCents());
        CreditItems items = CreditItems.none()
                .with(outcome -> TransactWriteItem.builder().put(Put.builder().tableName(table)
                                .item(SpendingItems.completedRefund(record, after, coins, xp, outcome.account().coins()))
                                .conditionExpression("attribute_not_exists(pk)").build()).build(),
                        old -> new Recorded(old.isEmpty() ? get(refundKey(record)) : old))
                .with(addToTotal(record, before), old -> new TotalMoved())
                .with(AuditItems.creditItem(auditTable, applied -> entry(caller, record, before, after, applied)));
        CreditResult reversal = ledger.credit(new Credit(record.userId(), record.creditId(), -coins, -xp, CreditKind.RECEIPT_REFUND,
                Map.of("storeId", record.storeId(), "receiptId", record.receiptId(), "refundId", record.refundId(),
                        "amount", BigDecimal.valueOf(record.amountCents(), 2).toPlainString())), items);
        gamification.onCredited(reversal); // lowers the leaderboards; repeating it for the same credit changes nothing
        if (!reversal.applied()) {
            return recorded(get(refundKey(record)), record);
        }
        return view(record, after, coins, xp, false);
    }

    /** The audit entry of an applied refund: the receipt's refunded total and the shopper's coins before and after. */
    private static AuditEntry entry(Caller caller, RefundRecord record, long refundedBefore, long refundedAfter,
                                    CreditResult applied) {
        String target = "receipt:" + record.storeId() + "/" + record.receiptId();
        long coinsAfter = applied.account().coins();
        return AuditEntry.of(caller, applied.creditedAt(), AuditAction.RECEIPT_REFUNDED, record.storeId(), target,
                target + ":refund:" + record.refundId(),
                Json.write(Map.of("refunded", BigDecimal.valueOf(refundedBefore, 2).toPlainString(), "userId", record.userId(),
                        "coins", coinsAfter - applied.credit().coinsDelta())),
                Json.write(Map.of("refunded", BigDecimal.valueOf(refundedAfter, 2).toPlainString(), "refundId", record.refundId(),
                        "amount", BigDecimal.valueOf(record.amountCents(), 2).toPlainString(), "coins", coinsAfter,
                        "coinsReversed", -applied.credit().coinsDelta(), "xpReversed", -applied.credit().xpDelta())));
    }

    /** {@code credited · refunded / purchase}, rounded down (exact integer arithmetic). */
    static long share(long credited, long refundedCents, long purchaseCents) {
        return BigInteger.valueOf(credited).multiply(BigInteger.valueOf(refundedCents))
                .divide(BigInteger.valueOf(purchaseCents)).longValueExact();
    }

    /** The refunded total {@code before} → {@code before + amount}, one refund more, if still {@code before}. */
    private TransactWriteItem addToTotal(RefundRecord record, long before) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(SpendingItems.refundTotalKey(record.storeId(), record.receiptId()))
                .updateExpression("SET #total = :after ADD #count :one")
                .conditionExpression((before == 0 ? "(attribute_not_exists(#total) OR #total = :before)" : "#total = :before")
                        + " AND (attribute_not_exists(#count) OR #count < :maxCount)")
                .expressionAttributeNames(Map.of("#total", SpendingItems.REFUNDED_CENTS, "#count", SpendingItems.REFUND_COUNT))
                .expressionAttributeValues(Map.of(":before", n(before), ":after", n(before + record.amountCents()),
                        ":one", n(1), ":maxCount", n(MAX_REFUNDS_PER_RECEIPT)))
                .build()).build();
    }

    /** A refusal: recorded {@code REJECTED} unless the refund was recorded before, in which case that record answers. */
    private ReceiptRefund refused(RefundRecord record, DomainException refusal) {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(SpendingItems.rejectedRefund(record, refusal.code(), refusal.getMessage()))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            return recorded(e.hasItem() && !e.item().isEmpty() ? e.item() : get(refundKey(record)), record);
        }
        throw refusal;
    }

    /** The answer a refund's record gives a repeat of it. */
    private static ReceiptRefund recorded(Map<String, AttributeValue> item, RefundRecord request) {
        if (item == null) {
            throw new IllegalStateException("refund " + request.refundId() + " has a reversal but no record");
        }
        RefundRecord record = SpendingItems.refund(item);
        if (record.amountCents() != request.amountCents()) {
            throw DomainException.conflict("refund_details_differ",
                    "Refund " + request.refundId() + " was made for another amount; use a new refundId");
        }
        switch (record.state()) {
            case COMPLETED:
                return view(record, record.cumulativeCents(), record.coinsReversed(), record.xpReversed(), true);
            case REJECTED:
                throw DomainException.rejected(record.errorCode(), record.errorMessage());
            default: // INPROGRESS: left by the lease protocol of an earlier release (docs/deployment.md)
                throw DomainException.conflict("refund_in_progress", "This refund is being applied; retry shortly")
                        .retryAfter(Duration.ofSeconds(1));
        }
    }

    private static ReceiptRefund view(RefundRecord record, long cumulativeCents, long coins, long xp, boolean replayed) {
        return new ReceiptRefund(record.refundId(), record.storeId(), record.receiptId(),
                BigDecimal.valueOf(record.amountCents(), 2), BigDecimal.valueOf(cumulativeCents, 2),
                BigDecimal.valueOf(record.purchaseCents() - cumulativeCents, 2), coins, xp, replayed);
    }

    private static Map<String, AttributeValue> refundKey(RefundRecord record) {
        return SpendingItems.refundKey(record.storeId(), record.receiptId(), record.refundId());
    }

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }
}
