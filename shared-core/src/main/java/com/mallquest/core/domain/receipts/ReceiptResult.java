package com.mallquest.core.domain.receipts;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The answer to a receipt submission: 201 when first credited, 200 with {@code replayed=true} when the same
 * user submits the same receipt again (the original result).
 *
 * @param creditedAt when the credit was recorded
 * @param user       the user's balance right after this receipt was credited
 */
public record ReceiptResult(String receiptId, String storeId, BigDecimal amount, long coinsEarned, long xpEarned,
                            boolean leveledUp, boolean replayed, Instant creditedAt, UserBalance user)
        implements Submitted {

    /** The user's balance after the credit. */
    public record UserBalance(String userId, long coins, long xp, int level) { }
}
