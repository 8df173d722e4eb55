package com.mallquest.core.domain.spending;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;

/**
 * The answer of {@code POST /redemptions} (201 first, 200 for a repeat of the same request) and one entry of
 * {@code GET /users/me/redemptions}.
 *
 * @param expiresAt  when the coupon stops being accepted (refunded by the cleanup job if still unused)
 * @param coinsSpent the reward's price when it was redeemed
 * @param balance    the user's coin balance right after the debit
 * @param couponState in {@code GET /users/me/redemptions}: the coupon's state now ({@code issued}, {@code used},
 *                    {@code expired}, {@code refunded}); null in the answer of {@code POST /redemptions} (issued)
 * @param replayed   true when this call found the redemption done before (not serialised)
 */
public record Redemption(String redemptionId, String rewardId, String title, String storeId, String couponCode,
                         Instant expiresAt, long coinsSpent, long balance, Instant redeemedAt, String couponState,
                         @JsonIgnore boolean replayed) {

    Redemption withCouponState(String state) {
        return new Redemption(redemptionId, rewardId, title, storeId, couponCode, expiresAt, coinsSpent, balance,
                redeemedAt, state, replayed);
    }
}
