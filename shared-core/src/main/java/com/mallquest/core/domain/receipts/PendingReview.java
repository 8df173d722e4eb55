package com.mallquest.core.domain.receipts;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The answer to an unsigned receipt at a store whose policy is {@code review} (202): accepted, no coins yet; a
 * reviewer approves (credited exactly once) or rejects it.
 *
 * @param status      always {@code pending_review}
 * @param submittedAt when the receipt was first submitted
 * @param replayed    true when the same user had submitted this receipt before
 */
public record PendingReview(String receiptId, String storeId, BigDecimal amount, Instant purchasedAt, String status,
                            Instant submittedAt, boolean replayed) implements Submitted {

    static PendingReview of(ReceiptClaim claim, boolean replayed) {
        return new PendingReview(claim.receiptId(), claim.storeId(), claim.amount(), claim.purchasedAt(), "pending_review",
                claim.claimedAt(), replayed);
    }
}
