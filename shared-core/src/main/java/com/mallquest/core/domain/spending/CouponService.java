package com.mallquest.core.domain.spending;

import com.mallquest.logging.Log;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.errors.DomainException;
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
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

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
 * <p>Who: an admin, or staff of the coupon's store ({@link Caller#mayManageStore}); a mall-wide coupon is accepted
 * by admins (the information desk). Another store's staff: 403 {@code not_your_store}. A code that names no coupon
 * (or is not a code at all): 404 {@code coupon_not_found}, the same for every caller.
 *
 * <p>Lifecycle: {@code ISSUED} → {@code USED} (one conditional write: {@code state = ISSUED AND validUntil > now}), or
 * past {@code validUntil} → {@code REFUNDING} → {@code REFUNDED}: the coins come back through the ledger (credit
 * {@code redemption-refund:<redemptionId>}, exactly once) and a unit of stock comes back under the hold
 * {@code ret:<redemptionId>}, so a repeated refund (a crash, two cleanup runs) returns each once.
 */
public final class CouponService {

    private static final Log LOG = Log.of(CouponService.class);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Ledger ledger;
    private final HeldCounters counters;
    private final RewardCatalogue catalogue;
    private final EffectPublisher effects;
    private final Clock clock;

    public CouponService(DynamoDbClient dynamo, String spendingTable, Ledger ledger, RewardCatalogue catalogue,
                         EffectPublisher effects, Clock clock) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.ledger = ledger;
        this.counters = new HeldCounters(dynamo, spendingTable);
        this.catalogue = catalogue;
        this.effects = effects;
        this.clock = clock;
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
        Map<String, AttributeValue> after;
        try {
            after = dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(SpendingItems.couponKey(CouponCode.canonical(coupon.couponCode())))
                    .updateExpression("SET #state = :used, usedAt = :now, usedBy = :by REMOVE #dueShard, #dueAt")
                    .conditionExpression("#state = :issued AND validUntil > :nowSortable")
                    .expressionAttributeNames(Map.of("#state", STATE, "#dueShard", SpendingItems.DUE_SHARD,
                            "#dueAt", SpendingItems.DUE_AT))
                    .expressionAttributeValues(Map.of(":used", s(COUPON_USED), ":issued", s(ISSUED),
                            ":now", s(now.toString()), ":by", s(caller.userId()),
                            ":nowSortable", s(SpendingItems.SORTABLE_TIME.format(now))))
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build()).attributes();
        } catch (ConditionalCheckFailedException e) {
            Coupon current = e.hasItem() && !e.item().isEmpty() ? SpendingItems.coupon(e.item())
                    : read(CouponCode.canonical(coupon.couponCode()));
            if (COUPON_USED.equals(current.storedState())) {
                throw DomainException.conflict("coupon_already_used", "This coupon was used on " + current.usedAt())
                        .detail("usedAt", current.usedAt().toString());
            }
            throw expired(current);
        }
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
        boolean applied = ledger.credit(new Credit(coupon.userId(), coupon.refundCreditId(), coupon.costCoins(), 0,
                CreditKind.REDEMPTION_REFUND, Map.of("rewardId", coupon.rewardId(), "redemptionId", coupon.redemptionId(),
                "couponCode", coupon.couponCode(), "title", coupon.title()))).applied();
        String hold = "ret:" + coupon.userId() + "#" + coupon.redemptionId();
        Map<String, AttributeValue> rewardKey = SpendingItems.rewardKey(coupon.rewardId());
        if (coupon.stockLimited()) {
            counters.take(rewardKey, REMAINING, 1, hold, "attribute_exists(#c)", Map.of());
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(key)
                    .updateExpression("SET #state = :refunded, refundedAt = :now REMOVE #dueShard, #dueAt")
                    .conditionExpression("#state = :refunding")
                    .expressionAttributeNames(Map.of("#state", STATE, "#dueShard", SpendingItems.DUE_SHARD,
                            "#dueAt", SpendingItems.DUE_AT))
                    .expressionAttributeValues(Map.of(":refunded", s(REFUNDED), ":refunding", s(REFUNDING),
                            ":now", s(now.toString())))
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

    private Coupon authorized(Caller caller, String typedCode) {
        Coupon coupon = CouponCode.parse(typedCode).map(this::read).orElse(null);
        if (coupon == null) {
            throw DomainException.notFound("coupon_not_found", "There is no such coupon");
        }
        boolean allowed = coupon.storeId() == null ? caller.isAdmin() : caller.mayManageStore(coupon.storeId());
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
