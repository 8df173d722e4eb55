package com.mallquest.core.domain.earning;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EarningRulesTest {

    @Test
    void coinsFor_shouldRoundDown_whenProductHasAFraction() {
        // GIVEN/WHEN/THEN 19.99 × 1.5 = 29.985 → 29; 125.50 × 2 = 251; 0.99 × 1 = 0
        assertEquals(29, EarningRules.coinsFor(new BigDecimal("19.99"), new BigDecimal("1.5")));
        assertEquals(251, EarningRules.coinsFor(new BigDecimal("125.50"), new BigDecimal("2.0")));
        assertEquals(0, EarningRules.coinsFor(new BigDecimal("0.99"), BigDecimal.ONE));
        assertEquals(3, EarningRules.coinsFor(new BigDecimal("10.00"), new BigDecimal("0.35")));
    }

    @Test
    void xpFor_shouldGiveOnePerWholeUnit_whateverTheStore() {
        // GIVEN amounts WHEN converted THEN XP is the whole part
        assertEquals(125, EarningRules.xpFor(new BigDecimal("125.99")));
        assertEquals(0, EarningRules.xpFor(new BigDecimal("0.50")));
        assertEquals(new Earning(251, 125), EarningRules.reward(new BigDecimal("125.50"), new BigDecimal("2")));
    }

    @Test
    void levelFor_shouldFollowTheThresholdTable_atAndAroundEachThreshold() {
        // GIVEN the documented thresholds 50·L·(L−1)
        long[][] table = {{1, 0}, {2, 100}, {3, 300}, {4, 600}, {5, 1000}, {6, 1500}, {10, 4500}, {20, 19000}};
        for (long[] row : table) {
            int level = (int) row[0];
            long threshold = row[1];
            // WHEN/THEN the threshold is reached exactly at that XP, not one before
            assertEquals(threshold, EarningRules.thresholdOf(level));
            assertEquals(level, EarningRules.levelFor(threshold));
            if (level > 1) {
                assertEquals(level - 1, EarningRules.levelFor(threshold - 1));
            }
        }
        assertEquals(1, EarningRules.levelFor(-5));
        assertEquals(EarningRules.MAX_LEVEL, EarningRules.levelFor(Long.MAX_VALUE / 4));
        for (long xp = 0; xp < 30_000; xp += 7) { // the closed form agrees with the definition everywhere
            int level = EarningRules.levelFor(xp);
            assertEquals(true, EarningRules.thresholdOf(level) <= xp && (level == EarningRules.MAX_LEVEL || EarningRules.thresholdOf(level + 1) > xp), "xp " + xp);
        }
    }

    @Test
    void progress_shouldShowTheWayToTheNextLevel() {
        // GIVEN 1250 XP (level 5 from 1000, level 6 at 1500) WHEN asked THEN 250 of 500, 50 %
        LevelProgress p = EarningRules.progress(1250);
        assertEquals(new LevelProgress(5, 1250, 1000, 1500L, 250, 250, 50), p);
        LevelProgress top = EarningRules.progress(EarningRules.thresholdOf(EarningRules.MAX_LEVEL) + 10);
        assertEquals(null, top.nextLevelXp());
        assertEquals(100, top.percent());
    }

    @Test
    void coinsFor_shouldRefuse_whenAmountIsNegative() {
        assertThrows(IllegalArgumentException.class, () -> EarningRules.coinsFor(new BigDecimal("-1"), BigDecimal.ONE));
    }
}
