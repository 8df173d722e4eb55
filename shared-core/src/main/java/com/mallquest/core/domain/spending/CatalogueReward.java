package com.mallquest.core.domain.spending;

import java.time.Instant;

/**
 * A reward of the mall's catalogue that shoppers buy with coins (the item {@code pk=REWARDS, sk=<rewardId>} of
 * the Spending table, see {@link SpendingItems}).
 *
 * @param rewardId        1..64 of {@code [a-z0-9-]}, e.g. {@code starbucks-free-coffee}
 * @param storeId         the store that honours its coupons; null: mall-wide (honoured by the mall's admins)
 * @param costCoins       the price in coins (1..1,000,000)
 * @param remaining       units left; null: unlimited stock
 * @param perUserLimit    how many times one shopper may redeem it; null: no limit
 * @param validFrom       redeemable from (inclusive); null: always
 * @param validTo         redeemable until (exclusive); null: always
 * @param minLevel        the shopper's level must be at least this (1..100)
 * @param couponValidDays how long a coupon is valid after redemption (1..365 days)
 * @param active          inactive rewards are hidden and refused ({@code reward_unavailable})
 * @param updatedAt       when the definition last changed
 * @param version         how many changes {@code PUT /admin/rewards/{rewardId}} made (0 before versions were kept);
 *                        a {@code stockDelta} names the version it applies to
 */
public record CatalogueReward(String rewardId, String title, String description, String storeId, long costCoins,
                              Long remaining, Integer perUserLimit, Instant validFrom, Instant validTo, int minLevel,
                              int couponValidDays, boolean active, Instant updatedAt, long version) {

    /** True when the reward is active and {@code now} lies in its window. */
    public boolean availableAt(Instant now) {
        return active && (validFrom == null || !now.isBefore(validFrom)) && (validTo == null || now.isBefore(validTo));
    }

    /** True when its stock is counted (and can run out). */
    public boolean stockLimited() {
        return remaining != null;
    }
}
