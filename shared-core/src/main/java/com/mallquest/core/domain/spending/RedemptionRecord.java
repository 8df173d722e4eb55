package com.mallquest.core.domain.spending;

import java.time.Instant;

/**
 * The durable record of one redemption ({@code pk=USER#<userId>, sk=REDEMPTION#<redemptionId>}): the idempotency
 * key of {@code POST /redemptions}. Everything a later attempt (a retry, the cleanup job) needs to finish it the same
 * way is fixed in it when it is created: the price, the coupon code and its expiry, whether stock and a per-user
 * limit apply.
 *
 * @param state       {@code INPROGRESS}, {@code COMPLETED} or {@code REJECTED}
 * @param balanceAfter the balance right after the debit (COMPLETED)
 * @param errorCode   the refusal (REJECTED), replayed to a repeat of the request
 */
record RedemptionRecord(String userId, String redemptionId, String payloadHash, String rewardId, String title,
                        String storeId, long costCoins, boolean stockLimited, Integer perUserLimit, String couponCode,
                        Instant couponExpiresAt, Instant createdAt, String state, Long balanceAfter, String errorCode,
                        String errorMessage) {

    /** The ledger credit id of the debit: one per redemption, whatever the retries. */
    String debitId() {
        return "redemption:" + redemptionId;
    }

    /** The ledger credit id of the refund of an expired coupon. */
    String refundId() {
        return "redemption-refund:" + redemptionId;
    }

    Redemption view(boolean replayed) {
        return view(balanceAfter == null ? 0 : balanceAfter, replayed);
    }

    /** The answer, with the balance the debit left. */
    Redemption view(long balance, boolean replayed) {
        return new Redemption(redemptionId, rewardId, title, storeId, couponCode, couponExpiresAt, costCoins,
                balance, createdAt, null, replayed);
    }
}
