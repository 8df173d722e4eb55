package com.mallquest.core.domain.ledger;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Why a user's balance changed. Stored in lower case ({@code receipt}, {@code adjustment}, {@code redemption}, …). */
public enum CreditKind {
    /** A verified purchase receipt; also counts towards {@code receiptsCredited}. */
    RECEIPT,
    /** An administrator's adjustment (positive or negative). */
    ADJUSTMENT,
    /** Coins spent on a reward of the catalogue (negative; {@code details}: rewardId, redemptionId, couponCode). */
    REDEMPTION,
    /** Coins given back for a coupon that expired unused (positive; {@code details}: rewardId, redemptionId, couponCode). */
    REDEMPTION_REFUND,
    /**
     * The reversal of a returned purchase (negative coins and XP; {@code details}: storeId, receiptId, refundId,
     * amount). Leaderboards lower the receipt's store score by its XP.
     */
    RECEIPT_REFUND;

    /**
     * True for the one kind the ledger lets take the balance (and XP) below zero: a receipt refund must reverse what
     * the receipt credited even when the coins were spent meanwhile; the negative balance is a debt the next credits
     * pay off first, and no debit (redemption, negative adjustment) can go through until it is paid.
     */
    public boolean mayOverdraw() {
        return this == RECEIPT_REFUND;
    }

    /** The stored and serialised name (also in JSON: the activity page and the user view show the same). */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind stored as {@code name}. */
    public static CreditKind fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
