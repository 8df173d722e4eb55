package com.mallquest.core.domain.spending;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;

import static com.mallquest.core.platform.dynamo.Attributes.instant;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.number;
import static com.mallquest.core.platform.dynamo.Attributes.s;
import static com.mallquest.core.platform.dynamo.Attributes.string;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/**
 * The Spending table's item layout, spelled once: keys, attribute names, item builders and readers.
 *
 * <pre>
 * pk                              sk                  what
 * REWARDS                         &lt;rewardId&gt;          a catalogue reward; {@code remaining} stock, {@code holds} (a coupon's stock return between its steps)
 * USER#&lt;userId&gt;                  REDEMPTION#&lt;id&gt;     a redemption record (the idempotency key); owner-index once COMPLETED
 * USER#&lt;userId&gt;                  LIMIT#&lt;rewardId&gt;    how often the user redeemed a reward ({@code used})
 * COUPON#&lt;code&gt;                  COUPON              a coupon: ISSUED → USED, or ISSUED → REFUNDING → REFUNDED
 * RECEIPT#&lt;storeId&gt;#&lt;receiptId&gt;  REFUND#&lt;refundId&gt;   a receipt refund record
 * RECEIPT#&lt;storeId&gt;#&lt;receiptId&gt;  REFUNDS             the receipt's refunded total ({@code refundedCents}, {@code c_&lt;refundId&gt;})
 * </pre>
 * Items with work due later (an unused coupon, refunded at its expiry) carry {@code dueShard} and {@code dueAt}, which
 * put them in the sparse GSI {@code due-index}; finishing them removes both. Redemption and refund records are written
 * finished ({@code COMPLETED} or {@code REJECTED}); an {@code INPROGRESS} one can only be left by the lease protocol of
 * an earlier release (docs/deployment.md).
 */
final class SpendingItems {

    static final String PK = "pk";
    static final String SK = "sk";
    static final String REWARDS_PK = "REWARDS";
    static final String COUPON_SK = "COUPON";
    static final String REFUNDS_SK = "REFUNDS";
    static final String REDEMPTION_PREFIX = "REDEMPTION#";
    static final String LIMIT_PREFIX = "LIMIT#";
    static final String REFUND_PREFIX = "REFUND#";

    static final String OWNER_INDEX = "owner-index";
    static final String OWNER_ID = "ownerId";
    static final String OWNED_AT = "ownedAt";
    static final String DUE_INDEX = "due-index";
    static final String DUE_SHARD = "dueShard";
    static final String DUE_AT = "dueAt";
    static final int DUE_SHARDS = 4;

    static final String STATE = "state";
    static final String HOLDS = "holds";
    static final String REMAINING = "remaining";
    static final String USED = "used";
    /** The table's TTL attribute (epoch seconds): refused redemptions carry it. */
    static final String EXPIRES_AT = "expiresAt";
    static final String REFUNDED_CENTS = "refundedCents";
    static final String REFUND_COUNT = "refundCount";

    static final DateTimeFormatter SORTABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private SpendingItems() { }

    // ---- keys ----------------------------------------------------------------------------------------

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    static Map<String, AttributeValue> rewardKey(String rewardId) {
        return key(REWARDS_PK, rewardId);
    }

    static Map<String, AttributeValue> redemptionKey(String userId, String redemptionId) {
        return key("USER#" + userId, REDEMPTION_PREFIX + redemptionId);
    }

    static Map<String, AttributeValue> limitKey(String userId, String rewardId) {
        return key("USER#" + userId, LIMIT_PREFIX + rewardId);
    }

    static Map<String, AttributeValue> couponKey(String canonicalCode) {
        return key("COUPON#" + canonicalCode, COUPON_SK);
    }

    static String receiptPk(String storeId, String receiptId) {
        return "RECEIPT#" + storeId + "#" + receiptId;
    }

    static Map<String, AttributeValue> refundKey(String storeId, String receiptId, String refundId) {
        return key(receiptPk(storeId, receiptId), REFUND_PREFIX + refundId);
    }

    static Map<String, AttributeValue> refundTotalKey(String storeId, String receiptId) {
        return key(receiptPk(storeId, receiptId), REFUNDS_SK);
    }

    /** The attribute of the refund total that remembers the cumulative refunded cents right after {@code refundId}. */
    static String cumulativeAttribute(String refundId) {
        return "c_" + refundId;
    }

    /** Puts {@code item} in the due-index at {@code dueAt}. */
    static void putDue(Map<String, AttributeValue> item, Instant dueAt) {
        item.put(DUE_SHARD, s("d" + Math.floorMod((item.get(PK).s() + item.get(SK).s()).hashCode(), DUE_SHARDS)));
        item.put(DUE_AT, s(SORTABLE_TIME.format(dueAt)));
    }

    // ---- rewards -------------------------------------------------------------------------------------

    /** The definition attributes of a reward (not its stock), as SET values of an update. */
    static Map<String, AttributeValue> rewardDefinition(String rewardId, RewardChange change, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put("rewardId", s(rewardId));
        values.put("title", s(change.title()));
        values.put("costCoins", n(change.costCoins()));
        values.put("minLevel", n(change.minLevelOrDefault()));
        values.put("couponValidDays", n(change.couponValidDaysOrDefault()));
        values.put("active", AttributeValue.fromBool(change.activeOrDefault()));
        values.put("updatedAt", s(now.toString()));
        putIfPresent(values, "description", change.description() == null ? null : s(change.description()));
        putIfPresent(values, "storeId", change.storeId() == null ? null : s(change.storeId()));
        putIfPresent(values, "perUserLimit", change.perUserLimit() == null ? null : n(change.perUserLimit()));
        putIfPresent(values, "validFrom", change.validFrom() == null ? null : s(change.validFrom().toString()));
        putIfPresent(values, "validTo", change.validTo() == null ? null : s(change.validTo().toString()));
        return values;
    }

    /** Optional definition attributes: removed on an update that leaves them out. */
    /** A reward's change counter, and the fingerprint of the change that set it (a repeat of it is recognised). */
    static final String REWARD_VERSION = "version";
    static final String LAST_CHANGE = "lastChange";

    static final String[] OPTIONAL_DEFINITION = {"description", "storeId", "perUserLimit", "validFrom", "validTo"};

    static CatalogueReward reward(Map<String, AttributeValue> item) {
        return new CatalogueReward(string(item, "rewardId"), string(item, "title"), string(item, "description"),
                string(item, "storeId"), number(item, "costCoins"), optNum(item, REMAINING),
                optNum(item, "perUserLimit") == null ? null : optNum(item, "perUserLimit").intValue(),
                instant(item, "validFrom"), instant(item, "validTo"), (int) number(item, "minLevel"),
                (int) number(item, "couponValidDays"), !item.containsKey("active") || Boolean.TRUE.equals(item.get("active").bool()),
                instant(item, "updatedAt"), versionOf(item));
    }

    /** A reward's {@code version} (0 for an item written before versions were kept). */
    static long versionOf(Map<String, AttributeValue> item) {
        Long version = optNum(item, REWARD_VERSION);
        return version == null ? 0 : version;
    }

    // ---- redemptions ---------------------------------------------------------------------------------

    static final String INPROGRESS = "INPROGRESS";
    static final String COMPLETED = "COMPLETED";
    static final String REJECTED = "REJECTED";

    /**
     * A completed redemption's record, written once in the debit's transaction: listed in {@code owner-index}, with
     * the balance the debit left.
     */
    static Map<String, AttributeValue> completedRedemption(RedemptionRecord r, long balanceAfter, Instant completedAt) {
        Map<String, AttributeValue> item = redemptionItem(r, COMPLETED);
        item.put("balanceAfter", n(balanceAfter));
        item.put("completedAt", s(completedAt.toString()));
        item.put(OWNER_ID, s(r.userId()));
        item.put(OWNED_AT, s(SORTABLE_TIME.format(r.createdAt()) + "#" + r.redemptionId()));
        return item;
    }

    /** A refused redemption's record: a repeat gets the same refusal until {@code expiresAt}, when DynamoDB's TTL drops it. */
    static Map<String, AttributeValue> rejectedRedemption(RedemptionRecord r, String code, String message, Instant expiresAt) {
        Map<String, AttributeValue> item = redemptionItem(r, REJECTED);
        item.put("errorCode", s(code));
        item.put("errorMessage", s(message));
        item.put(EXPIRES_AT, n(expiresAt.getEpochSecond()));
        return item;
    }

    private static Map<String, AttributeValue> redemptionItem(RedemptionRecord r, String state) {
        Map<String, AttributeValue> item = new HashMap<>(redemptionKey(r.userId(), r.redemptionId()));
        item.put("userId", s(r.userId()));
        item.put("redemptionId", s(r.redemptionId()));
        item.put("payloadHash", s(r.payloadHash()));
        item.put("rewardId", s(r.rewardId()));
        item.put("title", s(r.title()));
        putIfPresent(item, "storeId", r.storeId() == null ? null : s(r.storeId()));
        item.put("costCoins", n(r.costCoins()));
        item.put("stockLimited", AttributeValue.fromBool(r.stockLimited()));
        putIfPresent(item, "perUserLimit", r.perUserLimit() == null ? null : n(r.perUserLimit()));
        item.put("couponCode", s(r.couponCode()));
        item.put("couponExpiresAt", s(r.couponExpiresAt().toString()));
        item.put("createdAt", s(SORTABLE_TIME.format(r.createdAt())));
        item.put(STATE, s(state));
        return item;
    }

    static RedemptionRecord redemption(Map<String, AttributeValue> item) {
        Long limit = optNum(item, "perUserLimit");
        return new RedemptionRecord(string(item, "userId"), string(item, "redemptionId"), string(item, "payloadHash"),
                string(item, "rewardId"), string(item, "title"), string(item, "storeId"), number(item, "costCoins"),
                Boolean.TRUE.equals(item.get("stockLimited").bool()), limit == null ? null : limit.intValue(),
                string(item, "couponCode"), Instant.parse(string(item, "couponExpiresAt")), Instant.parse(string(item, "createdAt")),
                string(item, STATE), optNum(item, "balanceAfter"), string(item, "errorCode"), string(item, "errorMessage"));
    }

    // ---- coupons -------------------------------------------------------------------------------------

    static final String ISSUED = "ISSUED";
    static final String COUPON_USED = "USED";
    static final String REFUNDING = "REFUNDING";
    static final String REFUNDED = "REFUNDED";
    /** On a refunding coupon: which run returns its unit of stock, and since when ({@code <instant> <random>}). */
    static final String STOCK_RETURNED = "stockReturned";

    static Map<String, AttributeValue> newCoupon(RedemptionRecord r, Instant issuedAt) {
        Map<String, AttributeValue> item = new HashMap<>(couponKey(CouponCode.canonical(r.couponCode())));
        item.put("couponCode", s(r.couponCode()));
        item.put("rewardId", s(r.rewardId()));
        item.put("title", s(r.title()));
        putIfPresent(item, "storeId", r.storeId() == null ? null : s(r.storeId()));
        item.put("userId", s(r.userId()));
        item.put("redemptionId", s(r.redemptionId()));
        item.put("costCoins", n(r.costCoins()));
        item.put("stockLimited", AttributeValue.fromBool(r.stockLimited()));
        item.put("issuedAt", s(issuedAt.toString()));
        item.put("validUntil", s(SORTABLE_TIME.format(r.couponExpiresAt())));
        item.put(STATE, s(ISSUED));
        putDue(item, r.couponExpiresAt());
        return item;
    }

    static Coupon coupon(Map<String, AttributeValue> item) {
        return new Coupon(string(item, "couponCode"), string(item, "rewardId"), string(item, "title"), string(item, "storeId"),
                string(item, "userId"), string(item, "redemptionId"), number(item, "costCoins"),
                Boolean.TRUE.equals(item.get("stockLimited").bool()), string(item, STATE),
                Instant.parse(string(item, "issuedAt")), Instant.parse(string(item, "validUntil")),
                instant(item, "usedAt"), string(item, "usedBy"), instant(item, "refundedAt"));
    }

    // ---- receipt refunds -----------------------------------------------------------------------------

    /** A receipt refund's record, written once in the reversal's transaction, with what it did. */
    static Map<String, AttributeValue> completedRefund(RefundRecord r, long cumulativeCents, long coins, long xp,
                                                       long balanceAfter) {
        Map<String, AttributeValue> item = refundItem(r, COMPLETED);
        item.put("cumulativeCents", n(cumulativeCents));
        item.put("coinsReversed", n(coins));
        item.put("xpReversed", n(xp));
        item.put("balanceAfter", n(balanceAfter));
        return item;
    }

    /** A refused receipt refund's record: a repeat gets the same refusal. */
    static Map<String, AttributeValue> rejectedRefund(RefundRecord r, String code, String message) {
        Map<String, AttributeValue> item = refundItem(r, REJECTED);
        item.put("errorCode", s(code));
        item.put("errorMessage", s(message));
        return item;
    }

    private static Map<String, AttributeValue> refundItem(RefundRecord r, String state) {
        Map<String, AttributeValue> item = new HashMap<>(refundKey(r.storeId(), r.receiptId(), r.refundId()));
        item.put("storeId", s(r.storeId()));
        item.put("receiptId", s(r.receiptId()));
        item.put("refundId", s(r.refundId()));
        item.put("userId", s(r.userId()));
        item.put("amountCents", n(r.amountCents()));
        item.put("purchaseCents", n(r.purchaseCents()));
        item.put("creditedCoins", n(r.creditedCoins()));
        item.put("creditedXp", n(r.creditedXp()));
        item.put("requestedBy", s(r.requestedBy()));
        item.put("createdAt", s(r.createdAt().toString()));
        item.put(STATE, s(state));
        return item;
    }

    static RefundRecord refund(Map<String, AttributeValue> item) {
        return new RefundRecord(string(item, "storeId"), string(item, "receiptId"), string(item, "refundId"), string(item, "userId"),
                number(item, "amountCents"), number(item, "purchaseCents"), number(item, "creditedCoins"), number(item, "creditedXp"),
                string(item, "requestedBy"), Instant.parse(string(item, "createdAt")), string(item, STATE),
                optNum(item, "cumulativeCents"), optNum(item, "coinsReversed"), optNum(item, "xpReversed"),
                optNum(item, "balanceAfter"), string(item, "errorCode"), string(item, "errorMessage"));
    }

    // ---- values --------------------------------------------------------------------------------------

    /** The number {@code name} of {@code item}; null when absent (an optional attribute). */
    static Long optNum(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Long.parseLong(v.n());
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, AttributeValue value) {
        if (value != null) {
            item.put(name, value);
        }
    }
}
