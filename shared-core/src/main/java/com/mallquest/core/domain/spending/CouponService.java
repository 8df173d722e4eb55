package com.mallquest.core.domain.spending;

import com.mallquest.logging.Log;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.domain.audit.AuditAction;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditItems;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.mallquest.core.domain.spending.SpendingItems.COUPON_USED;
import static com.mallquest.core.domain.spending.SpendingItems.ISSUED;
import static com.mallquest.core.domain.spending.SpendingItems.REFUNDED;
import static com.mallquest.core.domain.spending.SpendingItems.REFUNDING;
import static com.mallquest.core.domain.spending.SpendingItems.REMAINING;
import static com.mallquest.core.domain.spending.SpendingItems.STATE;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * Coupons after their redemption: store staff look one up ({@link #find}) and accept it exactly once
 * ({@link #use}); the cleanup job refunds the ones that expired unused ({@link #refundExpired}).
 *
 * <p>Who: an admin, or the staff or manager of the coupon's store ({@link Caller#mayServeStore}); a mall-wide coupon is accepted
 * by admins (the information desk). Another store's staff: 403 {@code not_your_store}. A code that names no coupon
 * (or is not a code at all): 404 {@code coupon_not_found}, the same for every caller.
 *
 * <p>Lifecycle: {@code ISSUED} → {@code USED} (one conditional write: {@code state = ISSUED AND validUntil > now}), or
 * past {@code validUntil} → {@code REFUNDING} → {@code REFUNDED}: the coins come back through the ledger (credit
 * {@code redemption-refund:<redemptionId>}, exactly once) and a unit of stock comes back once: the run that marks
 * {@code stockReturned} on the coupon (a conditional write: it fails for an overlapping run) returns it under the
 * hold {@code ret:<redemptionId>} and alone may finish the coupon, so two cleanup runs or a crash return it once.
 */
public final class CouponService {

    private static final Log LOG = Log.of(CouponService.class);

    /**
     * How long a run's claim to return a coupon's stock stands before another run may take it over: longer than the
     * cleanup function may run (its timeout is 60 s), so the claimant is surely gone.
     */
    static final Duration STOCK_RETURN_LEASE = Duration.ofMinutes(2);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Ledger ledger;
    private final HeldCounters counters;
    private final RewardCatalogue catalogue;
    private final EffectPublisher effects;
    private final Clock clock;
    private final String auditTable;

    /** @param auditTable the audit trail's table: a coupon accepted by staff is written there with its use */
    public CouponService(DynamoDbClient dynamo, String spendingTable, String auditTable, Ledger ledger, RewardCatalogue catalogue,
                         EffectPublisher effects, Clock clock) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.auditTable = auditTable;
        this.ledger = ledger;
        this.counters = new HeldCounters(dynamo, spendingTable);
        this.catalogue = catalogue;
        this.effects = effects;
        this.clock = clock;
    }


    /**
     * Records on the coupon that this run returns its unit of stock: the mark for the one run whose conditional write
     * sets {@code stockReturned} (or takes over a mark older than {@link #STOCK_RETURN_LEASE}, left by a run that
     * died before it finished); null for every other run, which must neither give the unit back nor finish the
     * coupon. The stock itself comes back under the hold {@code ret:<redemptionId>}, so a run taking over after a
     * crash cannot add it twice either.
     */
    private String claimStockReturn(Map<String, AttributeValue> key, Instant now) {
        Map<String, String> names = Map.of("#state", STATE, "#returned", SpendingItems.STOCK_RETURNED);
        String mark = now + " " + UUID.randomUUID();
        AttributeValue stale;
        try {
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key)
                    .updateExpression("SET #returned = :mark")
                    .conditionExpression("#state = :refunding AND attribute_not_exists(#returned)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":mark", s(mark), ":refunding", s(REFUNDING)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return mark;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> current = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build()).item();
            stale = current.get(SpendingItems.STOCK_RETURNED);
            if (!REFUNDING.equals(current.containsKey(STATE) ? current.get(STATE).s() : null) || stale == null
                    || Instant.parse(stale.s().split(" ")[0]).plus(STOCK_RETURN_LEASE).isAfter(now)) {
                return null; // refunded already, or another run is returning it now
            }
        }
        try { // the run that marked it died long ago: take over its mark, once
            dynamo.updateItem(UpdateItemRequest.builder().tableName(table).key(key)
                    .updateExpression("SET #returned = :mark")
                    .conditionExpression("#state = :refunding AND #returned = :stale")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":mark", s(mark), ":refunding", s(REFUNDING), ":stale", stale))
                    .build());
            return mark;
        } catch (ConditionalCheckFailedException e) {
            return null;
        }
    }

    /** The coupon {@code typedCode} names, for its store's staff or an admin. */
    public CouponView find(Caller caller, String typedCode) {
        return authorized(caller, typedCode).view(clock.instant());
    }

    /**
     * Marks the coupon used, once: 200 first; 409 {@code coupon_already_used} (with {@code usedAt}) after; 410
     * {@code coupon_expired} past its expiry.
     */
    public CouponView use(Caller caller, String typedCode) {
        Coupon coupon = authorized(caller, typedCode);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Map<String, AttributeValue> key = SpendingItems.couponKey(CouponCode.canonical(coupon.couponCode()));
        Transaction.Outcome outcome = new Transaction(dynamo).write(List.of(
                TransactWriteItem.builder().update(Update.builder()
                        .tableName(table)
                        .key(key)
                        .updateExpression("SET #state = :used, usedAt = :now, usedBy = :by REMOVE #dueShard, #dueAt")
                        .conditionExpression("#state = :issued AND validUntil > :nowSortable")
                        .expressionAttributeNames(Map.of("#state", STATE, "#dueShard", SpendingItems.DUE_SHARD,
                                "#dueAt", SpendingItems.DUE_AT))
                        .expressionAttributeValues(Map.of(":used", s(COUPON_USED), ":issued", s(ISSUED),
                                ":now", s(now.toString()), ":by", s(caller.userId()),
                                ":nowSortable", s(SpendingItems.SORTABLE_TIME.format(now))))
                        .build()).build(),
                AuditItems.put(auditTable, accepted(caller, coupon, now))));
        if (!outcome.applied()) {
            if (!outcome.conditionFailed(0)) {
                throw new IllegalStateException("the audit entry of coupon " + coupon.redemptionId() + " exists without its use");
            }
            Coupon current = !outcome.oldItem(0).isEmpty() ? SpendingItems.coupon(outcome.oldItem(0))
                    : read(CouponCode.canonical(coupon.couponCode()));
            if (COUPON_USED.equals(current.storedState())) {
                throw DomainException.conflict("coupon_already_used", "This coupon was used on " + current.usedAt())
                        .detail("usedAt", current.usedAt().toString());
            }
            throw expired(current);
        }
        Map<String, AttributeValue> after = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key)
                .consistentRead(true).build()).item();
        Coupon used = SpendingItems.coupon(after);
        try {
            effects.publish(used.userId(), "coupon_used", used.storeId() == null
                    ? Map.of("rewardId", used.rewardId(), "title", used.title())
                    : Map.of("rewardId", used.rewardId(), "title", used.title(), "storeId", used.storeId()));
        } catch (RuntimeException e) {
            LOG.warn("effect not published", e, "effectType", "coupon_used", "redemptionId", used.redemptionId(),
                    "userId", used.userId());
        }
        return used.view(now);
    }

    /**
     * Refunds a coupon that expired unused (the cleanup job, for due-index items): coins and stock back, exactly
     * once. Repeating it, or continuing one a crash interrupted, changes nothing more.
     *
     * @return the coins this call gave back (0 when it was used, not yet expired, or refunded before)
     */
    long refundExpired(Map<String, AttributeValue> item) {
        Coupon coupon = SpendingItems.coupon(item);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Map<String, AttributeValue> key = SpendingItems.couponKey(CouponCode.canonical(coupon.couponCode()));
        if (ISSUED.equals(coupon.storedState())) {
            try {
                dynamo.updateItem(UpdateItemRequest.builder()
                        .tableName(table)
                        .key(key)
                        .updateExpression("SET #state = :refunding")
                        .conditionExpression("#state = :issued AND validUntil <= :now")
                        .expressionAttributeNames(Map.of("#state", STATE))
                        .expressionAttributeValues(Map.of(":refunding", s(REFUNDING), ":issued", s(ISSUED),
                                ":now", s(SpendingItems.SORTABLE_TIME.format(now))))
                        .build());
            } catch (ConditionalCheckFailedException e) {
                return 0; // used in the meantime, or not yet expired
            }
        } else if (!REFUNDING.equals(coupon.storedState())) {
            return 0;
        }
        String mark = null;
        if (coupon.stockLimited()) {
            mark = claimStockReturn(key, now);
            if (mark == null) {
                return 0; // another run is returning this coupon; it finishes it (or a later run, if it dies)
            }
        }
        boolean applied = ledger.credit(new Credit(coupon.userId(), coupon.refundCreditId(), coupon.costCoins(), 0,
                CreditKind.REDEMPTION_REFUND, Map.of("rewardId", coupon.rewardId(), "redemptionId", coupon.redemptionId(),
                "couponCode", coupon.couponCode(), "title", coupon.title()))).applied();
        String hold = "ret:" + coupon.userId() + "#" + coupon.redemptionId();
        Map<String, AttributeValue> rewardKey = SpendingItems.rewardKey(coupon.rewardId());
        Map<String, String> names = new HashMap<>(Map.of("#state", STATE, "#dueShard", SpendingItems.DUE_SHARD,
                "#dueAt", SpendingItems.DUE_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":refunded", s(REFUNDED), ":refunding", s(REFUNDING),
                ":now", s(now.toString())));
        String condition = "#state = :refunding";
        if (mark != null) {
            counters.take(rewardKey, REMAINING, 1, hold, "attribute_exists(#c)", Map.of());
            condition += " AND #returned = :mark"; // finished by the run whose mark stands, after its stock went back
            names.put("#returned", SpendingItems.STOCK_RETURNED);
            values.put(":mark", s(mark));
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(key)
                    .updateExpression("SET #state = :refunded, refundedAt = :now REMOVE #dueShard, #dueAt")
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            return 0; // a concurrent run finished it
        }
        if (coupon.stockLimited()) {
            counters.settle(rewardKey, hold);
            catalogue.invalidate();
        }
        return applied ? coupon.costCoins() : 0;
    }

    /**
     * The audit entry of {@code caller} accepting {@code coupon}: named by its shopper and redemption, never by its
     * code (a code is the coupon itself, and the trail is read by every manager of the store).
     */
    private static AuditEntry accepted(Caller caller, Coupon coupon, Instant now) {
        String target = "coupon:" + coupon.userId() + "/" + coupon.redemptionId();
        Map<String, Object> about = new HashMap<>(Map.of("userId", coupon.userId(), "redemptionId", coupon.redemptionId(),
                "rewardId", coupon.rewardId(), "title", coupon.title(), "state", "issued"));
        Map<String, Object> after = new HashMap<>(about);
        after.put("state", "used");
        after.put("usedAt", now.toString());
        return AuditEntry.of(caller, now, AuditAction.COUPON_ACCEPTED, coupon.storeId(), target, target + ":accepted",
                Json.write(about), Json.write(after));
    }

    private Coupon authorized(Caller caller, String typedCode) {
        Coupon coupon = CouponCode.parse(typedCode).map(this::read).orElse(null);
        if (coupon == null) {
            throw DomainException.notFound("coupon_not_found", "There is no such coupon");
        }
        boolean allowed = coupon.storeId() == null ? caller.isAdmin() : caller.mayServeStore(coupon.storeId());
        if (!allowed) {
            throw DomainException.forbidden("not_your_store", coupon.storeId() == null
                    ? "Mall-wide coupons are accepted at the information desk (administrators)"
                    : "This coupon is accepted only by its own store's staff");
        }
        return coupon;
    }

    private static DomainException expired(Coupon coupon) {
        return DomainException.gone("coupon_expired", "This coupon expired on " + coupon.expiresAt())
                .detail("expiresAt", coupon.expiresAt().toString());
    }

    private Coupon read(String canonicalCode) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table)
                .key(SpendingItems.couponKey(canonicalCode)).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? SpendingItems.coupon(response.item()) : null;
    }
}
