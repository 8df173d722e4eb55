package com.mallquest.core.domain.ledger;

import com.mallquest.core.domain.earning.EarningLine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One applied credit or adjustment, as kept for audit ({@code pk=USER#<id>, sk=ACT#<time>#<creditId>}).
 * A user's balance equals the sum of the {@code coins} of their activity entries (and likewise XP).
 * {@code earnedBy} lists what earned a receipt's amounts (the base rule, each campaign); empty otherwise.
 */
public record ActivityEntry(String creditId, CreditKind kind, long coins, long xp, Instant at,
                            Map<String, String> details, List<EarningLine> earnedBy) {
}
