package com.mallquest.core.domain.receipts;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The claim of one receipt {@code (storeId, receiptId)} by one user: the item
 * {@code pk=RECEIPT#<storeId>#<receiptId>} of the Receipts table ({@link ReceiptItems}), created once with
 * {@code attribute_not_exists}. The reward is fixed when the claim is made, so completing it later (a retry, an
 * approval, the cleanup job) credits the same amounts even if the store's multiplier changed meanwhile.
 *
 * <p>Status: a signed code's claim starts {@code PENDING}; an unsigned receipt's claim starts
 * {@code PENDING_REVIEW} and becomes {@code PENDING} when approved or {@code REJECTED}; {@code PENDING} becomes
 * {@code CREDITED} once the ledger credit is done.
 *
 * @param kid     the store key that signed the receipt; null for an unsigned (reviewed) receipt
 * @param result  the credit's outcome once {@code CREDITED}, else null
 * @param review  who approved or rejected it and why; null unless reviewed
 */
public record ReceiptClaim(String userId, String storeId, String receiptId, BigDecimal amount, Instant purchasedAt,
                           Instant claimedAt, long coins, long xp, String status, String kid, ReceiptResult result,
                           Review review) {

    public static final String PENDING_REVIEW = "PENDING_REVIEW";
    public static final String REJECTED = "REJECTED";
    public static final String PENDING = "PENDING";
    public static final String CREDITED = "CREDITED";

    /**
     * A reviewer's decision.
     *
     * @param by     the reviewer's user id
     * @param at     when
     * @param reason why (rejections only)
     */
    public record Review(String by, Instant at, String reason) { }

    /** The ledger credit id of this receipt: the same for every attempt, unique per receipt. */
    public String creditId() {
        return creditId(storeId, receiptId);
    }

    /** The ledger credit id of receipt {@code receiptId} of {@code storeId}. */
    public static String creditId(String storeId, String receiptId) {
        return "receipt:" + storeId + ":" + receiptId;
    }

    public boolean credited() {
        return CREDITED.equals(status);
    }

    public boolean signed() {
        return kid != null;
    }

    /** True when {@code other} names the same purchase (amount and time): a retry, not a different receipt. */
    boolean sameDetails(ReceiptSubmission other) {
        return amount.compareTo(other.amount()) == 0 && purchasedAt.equals(other.purchasedAt());
    }

    /** The same claim earning {@code newCoins} and {@code newXp} (a signed receipt's earning with its campaigns). */
    ReceiptClaim withReward(long newCoins, long newXp) {
        return new ReceiptClaim(userId, storeId, receiptId, amount, purchasedAt, claimedAt, newCoins, newXp, status, kid, result, review);
    }

    ReceiptClaim withStatus(String newStatus, Review newReview) {
        return new ReceiptClaim(userId, storeId, receiptId, amount, purchasedAt, claimedAt, coins, xp, newStatus, kid, result, newReview);
    }
}
