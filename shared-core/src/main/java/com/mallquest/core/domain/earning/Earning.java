package com.mallquest.core.domain.earning;

/** What one purchase earns: whole coins and XP (see {@link EarningRules}). */
public record Earning(long coins, long xp) {
}
