package com.mallquest.core.domain.earning;

/**
 * A user's position on the level ladder, for display ("250 / 500 XP to level 6").
 *
 * @param level          current level (1..{@link EarningRules#MAX_LEVEL})
 * @param xp             total XP
 * @param levelStartXp   total XP at which the current level began
 * @param nextLevelXp    total XP needed for the next level; null at the maximum level
 * @param xpIntoLevel    XP earned since the current level began
 * @param xpToNextLevel  XP still missing for the next level (0 at the maximum level)
 * @param percent        whole percent of the way to the next level (100 at the maximum level)
 */
public record LevelProgress(int level, long xp, long levelStartXp, Long nextLevelXp,
                            long xpIntoLevel, long xpToNextLevel, int percent) {
}
