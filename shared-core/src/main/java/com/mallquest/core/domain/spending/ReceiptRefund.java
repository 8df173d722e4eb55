package com.mallquest.core.domain.spending;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.math.BigDecimal;

/**
 * The answer of a receipt refund (201 first, 200 for a repeat of the same request).
 *
 * @param refundedTotal  everything refunded on this receipt so far, this refund included
 * @param refundable     what may still be refunded (the purchase minus {@code refundedTotal})
 * @param coinsReversed  coins this refund took back (its share of the receipt's coins, rounded so that all refunds
 *                       together never take back more than the receipt credited)
 * @param xpReversed     XP this refund took back (likewise)
 */
public record ReceiptRefund(String refundId, String storeId, String receiptId, BigDecimal amount,
                            BigDecimal refundedTotal, BigDecimal refundable, long coinsReversed, long xpReversed,
                            @JsonIgnore boolean replayed) {
}
