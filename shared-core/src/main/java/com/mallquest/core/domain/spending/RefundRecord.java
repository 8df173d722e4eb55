package com.mallquest.core.domain.spending;

import java.time.Instant;

/**
 * The durable record of one receipt refund ({@code pk=RECEIPT#<storeId>#<receiptId>, sk=REFUND#<refundId>}): the
 * idempotency key of {@code POST /admin/receipts/{storeId}/{receiptId}/refund}, with what was credited for the receipt
 * fixed when it is created.
 *
 * @param cumulativeCents the receipt's refunded total right after this refund (known once its total step ran)
 */
record RefundRecord(String storeId, String receiptId, String refundId, String userId, long amountCents,
                    long purchaseCents, long creditedCoins, long creditedXp, String requestedBy, Instant createdAt,
                    String state, Long cumulativeCents, Long coinsReversed, Long xpReversed, Long balanceAfter,
                    String errorCode, String errorMessage) {

    /** The ledger credit id of the reversal: one per refund. */
    String creditId() {
        return "refund:" + storeId + ":" + receiptId + ":" + refundId;
    }
}
