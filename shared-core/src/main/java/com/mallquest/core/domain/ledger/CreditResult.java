package com.mallquest.core.domain.ledger;

import java.time.Instant;

/**
 * The outcome of {@link Ledger#credit(Credit)}.
 *
 * @param applied     true when this call applied the credit; false when it had been applied before (a replay)
 * @param credit      the credit as first recorded
 * @param creditedAt  when the credit was first recorded (its activity record's time)
 * @param account     the account right after the credit was applied (for a credit completed after a crash:
 *                    the account when it was completed)
 * @param levelBefore the level before the credit
 * @param levelAfter  the level after it
 */
public record CreditResult(boolean applied, Credit credit, Instant creditedAt, Account account,
                           int levelBefore, int levelAfter) {

    /** True when the credit raised the user's level. */
    public boolean leveledUp() {
        return levelAfter > levelBefore;
    }
}
