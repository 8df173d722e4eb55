package com.mallquest.core.domain.ledger;

import java.time.Instant;
import java.util.Map;

/**
 * One applied credit or adjustment, as kept for audit ({@code pk=USER#<id>, sk=ACT#<time>#<creditId>}).
 * A user's balance equals the sum of the {@code coins} of their activity entries (and likewise XP).
 */
public record ActivityEntry(String creditId, CreditKind kind, long coins, long xp, Instant at,
                            Map<String, String> details) {
}
