package com.mallquest.core.domain.spending;

import java.time.Instant;

/**
 * A coupon as {@code GET /coupons/{couponCode}} and {@code POST /coupons/{couponCode}/redeem} show it to store staff
 * and admins (the shopper's id is not shown).
 *
 * @param storeId   the store that honours it; null: mall-wide (admins)
 * @param state     {@code issued}, {@code used}, {@code expired} (past {@code expiresAt}, its refund due) or
 *                  {@code refunded} (expired unused; coins and stock given back)
 */
public record CouponView(String couponCode, String rewardId, String title, String storeId, String state,
                         Instant issuedAt, Instant expiresAt, Instant usedAt, Instant refundedAt) {
}
