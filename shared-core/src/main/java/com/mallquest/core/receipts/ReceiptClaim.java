package com.mallquest.core.receipts;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The claim of one receipt {@code (storeId, receiptId)} by one user: the item
 * {@code pk=RECEIPT#<storeId>#<receiptId>} of the Receipts table, created once with {@code attribute_not_exists}.
 * The reward is fixed when the claim is made, so completing it later (a retry, the cleanup job) credits the same
 * amounts even if the store's multiplier changed meanwhile.
 *
 * @param status  {@code PENDING} until the ledger credit is done, then {@code CREDITED}
 * @param result  the credit's outcome once {@code CREDITED}, else null
 */
public record ReceiptClaim(String userId, String storeId, String receiptId, BigDecimal amount, Instant purchasedAt,
                           Instant claimedAt, long coins, long xp, String status, ReceiptResult result) {

    public static final String PENDING = "PENDING";
    public static final String CREDITED = "CREDITED";

    /** The ledger credit id of this receipt: the same for every attempt, unique per receipt. */
    public String creditId() {
        return "receipt:" + storeId + ":" + receiptId;
    }

    public boolean credited() {
        return CREDITED.equals(status);
    }
}
