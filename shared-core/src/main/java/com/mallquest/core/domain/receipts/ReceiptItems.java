package com.mallquest.core.domain.receipts;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Receipts table's item layout, spelled once. One hash key, {@value #PK}:
 *
 * <table>
 *   <caption>Receipts table items</caption>
 *   <tr><th>item</th><th>{@value #PK}</th><th>attributes</th></tr>
 *   <tr><td>a receipt's claim</td><td>{@code RECEIPT#<storeId>#<receiptId>}</td>
 *       <td>{@code userId, storeId, receiptId, amount, purchasedAt, claimedAt, coins, xp, status, kid?};
 *       while {@code PENDING}: {@code pendingShard, pendingSince} (GSI {@value #PENDING_INDEX});
 *       while {@code PENDING_REVIEW}: {@code reviewQueue, reviewSince} (GSI {@value #REVIEW_INDEX});
 *       reviewed: {@code reviewedBy, reviewedAt, rejectReason?}; credited: {@code coinsAfter, xpAfter, levelAfter,
 *       leveledUp, creditedAt}</td></tr>
 *   <tr><td>a user's receipts of one UTC day (fraud limits)</td><td>{@code LIMIT#<userId>#<yyyy-MM-dd>}</td>
 *       <td>{@code coins}, {@code store:<storeId>} (receipts per store), {@code counted} (the claim keys counted),
 *       {@code expiresAt}</td></tr>
 *   <tr><td>a likely-duplicate marker (review stores)</td><td>{@code DUP#ID#<storeId>#<normalised id>},
 *       {@code DUP#MIN#<storeId>#<amount>#<yyyy-MM-ddTHH:mm>}</td><td>{@code receiptIds} (set), {@code expiresAt}</td></tr>
 *   <tr><td>a user's receipt submissions in one rate-limit window, counted here while the cache is not Redis</td>
 *       <td>{@code RATE#<userId>#<window>}</td><td>{@code count, expiresAt}</td></tr>
 * </table>
 * Store ids never contain {@code #} and receipt and user ids never do either, so no two keys collide.
 */
final class ReceiptItems {
    private ReceiptItems() { }

    static final String PK = "pk";
    static final String PENDING_INDEX = "pending-index";
    static final String REVIEW_INDEX = "review-index";
    /** Pending claims spread over this many index partitions. */
    static final int PENDING_SHARDS = 4;
    /** The one partition of the review queue's index (a mall's queue is small). */
    static final String REVIEW_QUEUE = "PENDING_REVIEW";
    static final DateTimeFormatter SORTABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(ZoneOffset.UTC);

    // claim attributes
    static final String USER_ID = "userId";
    static final String STATUS = "status";
    static final String PENDING_SHARD = "pendingShard";
    static final String PENDING_SINCE = "pendingSince";
    static final String REVIEW_QUEUE_ATTR = "reviewQueue";
    static final String REVIEW_SINCE = "reviewSince";
    static final String REVIEWED_BY = "reviewedBy";
    static final String REVIEWED_AT = "reviewedAt";
    static final String REJECT_REASON = "rejectReason";
    // limit, marker and rate attributes
    static final String COINS = "coins";
    static final String COUNTED = "counted";
    static final String RECEIPT_IDS = "receiptIds";
    static final String COUNT = "count";
    static final String EXPIRES_AT = "expiresAt";

    /** The start of every claim's key. */
    static final String CLAIM_PREFIX = "RECEIPT#";

    static String claimPk(String storeId, String receiptId) {
        return CLAIM_PREFIX + storeId + "#" + receiptId;
    }

    static Map<String, AttributeValue> claimKey(String storeId, String receiptId) {
        return Map.of(PK, s(claimPk(storeId, receiptId)));
    }

    static Map<String, AttributeValue> limitKey(String userId, LocalDate day) {
        return Map.of(PK, s("LIMIT#" + userId + "#" + day));
    }

    /** The attribute counting a user's receipts of {@code storeId} in its day's limit item. */
    static String storeCountAttribute(String storeId) {
        return "store:" + storeId;
    }

    static Map<String, AttributeValue> rateKey(String userId, long window) {
        return Map.of(PK, s("RATE#" + userId + "#" + window));
    }

    /** Receipt ids equal after ignoring case and separators ({@code R-1001}, {@code r1001}, {@code R_10.01}). */
    static String normalisedId(String receiptId) {
        return receiptId.replaceAll("[-_. ]", "").toLowerCase(Locale.ROOT);
    }

    static Map<String, AttributeValue> idMarkerKey(String storeId, String receiptId) {
        return Map.of(PK, s("DUP#ID#" + storeId + "#" + normalisedId(receiptId)));
    }

    static Map<String, AttributeValue> minuteMarkerKey(String storeId, BigDecimal amount, Instant purchasedAt) {
        return Map.of(PK, s("DUP#MIN#" + storeId + "#" + amount.stripTrailingZeros().toPlainString() + "#"
                + MINUTE.format(purchasedAt.truncatedTo(ChronoUnit.MINUTES))));
    }

    static String shard(String pk) {
        return "p" + Math.floorMod(pk.hashCode(), PENDING_SHARDS);
    }

    /** A new claim's item: {@code PENDING} ones enter the pending index, {@code PENDING_REVIEW} ones the review index. */
    static Map<String, AttributeValue> toItem(ReceiptClaim claim) {
        String pk = claimPk(claim.storeId(), claim.receiptId());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk));
        item.put(USER_ID, s(claim.userId()));
        item.put("storeId", s(claim.storeId()));
        item.put("receiptId", s(claim.receiptId()));
        item.put("amount", n(claim.amount().toPlainString()));
        item.put("purchasedAt", s(claim.purchasedAt().toString()));
        item.put("claimedAt", s(SORTABLE_TIME.format(claim.claimedAt())));
        item.put(COINS, n(Long.toString(claim.coins())));
        item.put("xp", n(Long.toString(claim.xp())));
        item.put(STATUS, s(claim.status()));
        if (claim.kid() != null) {
            item.put("kid", s(claim.kid()));
        }
        if (ReceiptClaim.PENDING.equals(claim.status())) {
            item.putAll(pendingIndexEntry(pk, claim.claimedAt()));
        } else if (ReceiptClaim.PENDING_REVIEW.equals(claim.status())) {
            item.put(REVIEW_QUEUE_ATTR, s(REVIEW_QUEUE));
            item.put(REVIEW_SINCE, s(SORTABLE_TIME.format(claim.claimedAt()) + "#" + pk));
        }
        return item;
    }

    static Map<String, AttributeValue> pendingIndexEntry(String pk, Instant since) {
        return Map.of(PENDING_SHARD, s(shard(pk)), PENDING_SINCE, s(SORTABLE_TIME.format(since)));
    }

    static ReceiptClaim toClaim(Map<String, AttributeValue> item) {
        String userId = item.get(USER_ID).s();
        String storeId = item.get("storeId").s();
        String receiptId = item.get("receiptId").s();
        BigDecimal amount = new BigDecimal(item.get("amount").n());
        long coins = Long.parseLong(item.get(COINS).n());
        long xp = Long.parseLong(item.get("xp").n());
        String status = item.get(STATUS).s();
        ReceiptResult result = null;
        if (ReceiptClaim.CREDITED.equals(status)) {
            result = new ReceiptResult(receiptId, storeId, amount, coins, xp, item.get("leveledUp").bool(), true,
                    Instant.parse(item.get("creditedAt").s()),
                    new ReceiptResult.UserBalance(userId, Long.parseLong(item.get("coinsAfter").n()),
                            Long.parseLong(item.get("xpAfter").n()), Integer.parseInt(item.get("levelAfter").n())));
        }
        ReceiptClaim.Review review = null;
        if (item.containsKey(REVIEWED_BY)) {
            AttributeValue reason = item.get(REJECT_REASON);
            review = new ReceiptClaim.Review(item.get(REVIEWED_BY).s(), Instant.parse(item.get(REVIEWED_AT).s()),
                    reason == null ? null : reason.s());
        }
        AttributeValue kid = item.get("kid");
        return new ReceiptClaim(userId, storeId, receiptId, amount, Instant.parse(item.get("purchasedAt").s()),
                Instant.parse(item.get("claimedAt").s()), coins, xp, status, kid == null ? null : kid.s(), result, review);
    }

    /** The update that records a credit's outcome on a claim (values {@code :credited, :coins, :xp, :level, :up, :at}). */
    static Map<String, AttributeValue> creditedValues(ReceiptResult result) {
        return Map.of(
                ":credited", s(ReceiptClaim.CREDITED),
                ":coins", n(Long.toString(result.user().coins())),
                ":xp", n(Long.toString(result.user().xp())),
                ":level", n(Integer.toString(result.user().level())),
                ":up", AttributeValue.fromBool(result.leveledUp()),
                ":at", s(SORTABLE_TIME.format(result.creditedAt())));
    }

    /** The attribute each placeholder of {@link #creditedValues} sets. */
    static final Map<String, String> CREDITED_ATTRIBUTES = Map.of(":credited", STATUS, ":coins", "coinsAfter",
            ":xp", "xpAfter", ":level", "levelAfter", ":up", "leveledUp", ":at", "creditedAt");

    static final String CREDITED_UPDATE = "SET #status = :credited, coinsAfter = :coins, xpAfter = :xp, levelAfter = :level, "
            + "leveledUp = :up, creditedAt = :at REMOVE " + PENDING_SHARD + ", " + PENDING_SINCE;

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
