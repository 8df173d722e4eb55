package com.mallquest.core.domain.spending;

import java.time.Instant;
import java.util.Locale;

/** A coupon item as stored ({@code pk=COUPON#<code>}); {@link CouponView} is what staff see. */
record Coupon(String couponCode, String rewardId, String title, String storeId, String userId, String redemptionId,
              long costCoins, boolean stockLimited, String storedState, Instant issuedAt, Instant expiresAt,
              Instant usedAt, String usedBy, Instant refundedAt) {

    /** The state shown at {@code now}: an unused coupon past its expiry is {@code expired} until it is refunded. */
    String stateAt(Instant now) {
        if (SpendingItems.REFUNDING.equals(storedState)
                || (SpendingItems.ISSUED.equals(storedState) && !now.isBefore(expiresAt))) {
            return "expired";
        }
        return storedState.toLowerCase(Locale.ROOT);
    }

    CouponView view(Instant now) {
        return new CouponView(couponCode, rewardId, title, storeId, stateAt(now), issuedAt, expiresAt, usedAt, refundedAt);
    }

    /** The ledger credit id of this coupon's expiry refund (one per redemption). */
    String refundCreditId() {
        return "redemption-refund:" + redemptionId;
    }
}
