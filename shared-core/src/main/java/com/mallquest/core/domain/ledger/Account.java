package com.mallquest.core.domain.ledger;

import java.time.Instant;

/**
 * A user's balance as the ledger keeps it (the profile item {@code pk=USER#<id>, sk=PROFILE}).
 * {@code level} is always derived from {@code xp} by {@link com.mallquest.core.domain.earning.EarningRules}.
 *
 * @param receiptsCredited how many receipts have been credited
 * @param version          increases by one with every credit or adjustment applied
 */
public record Account(String userId, long coins, long xp, int level, long receiptsCredited, long version,
                      Instant createdAt, Instant updatedAt) {

    /** The account of a user the ledger has never credited. */
    public static Account empty(String userId) {
        return new Account(userId, 0, 0, 1, 0, 0, null, null);
    }
}
