package com.mallquest.core.domain.earning;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A verified purchase as the earning rules see it: who bought what where, when.
 *
 * @param userId          the shopper
 * @param storeId         the store
 * @param category        the store's category
 * @param storeMultiplier the store's coins per currency unit (the base rule)
 * @param amount          the amount spent
 * @param purchasedAt     when (a campaign's window is about this time)
 */
public record Purchase(String userId, String storeId, String category, BigDecimal storeMultiplier, BigDecimal amount,
                       Instant purchasedAt) {
}
