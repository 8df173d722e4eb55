package com.mallquest.core.domain.earning;

/** What one purchase earns: whole coins and XP (see {@link RewardRules}). */
public record Reward(long coins, long xp) {
}
