package com.mallquest.core.domain.gamification;

import java.util.Arrays;
import java.util.Optional;

/**
 * The badge catalogue: every badge a shopper can unlock, with the number its progress counts towards.
 * Awarded once per user and badge ({@link PlayerRecords#award}); a refund never takes one away.
 */
public enum Badge {
    FIRST_RECEIPT("first_receipt", "First receipt", "Your first credited receipt", 1),
    FIVE_STORES("five_stores", "Explorer", "Credited receipts from 5 different stores", 5),
    TEN_IN_A_MONTH("ten_in_a_month", "Regular", "10 credited receipts in one calendar month (UTC, by credit time)", 10),
    LEVEL_5("level_5", "Level 5", "Reach level 5", 5),
    LEVEL_10("level_10", "Level 10", "Reach level 10", 10),
    THREE_WEEK_STREAK("three_week_streak", "On a roll", "Receipts in 3 ISO weeks in a row", 3),
    BIG_BASKET("big_basket", "Big basket", "One receipt of at least the mall's big-basket amount", 1),
    NIGHT_OWL("night_owl", "Night owl", "A purchase between 21:00 and 04:59, the store's local time", 1),
    EARLY_BIRD("early_bird", "Early bird", "A purchase between 05:00 and 08:59, the store's local time", 1);

    private final String code;
    private final String title;
    private final String description;
    private final int target;

    Badge(String code, String title, String description, int target) {
        this.code = code;
        this.title = title;
        this.description = description;
        this.target = target;
    }

    /** The stable id in responses, effects and metrics ({@code BadgesAwarded.<code>}). */
    public String code() { return code; }

    public String title() { return title; }

    public String description() { return description; }

    /** What the progress counts towards (stores, receipts, level, weeks; 1 for a one-off). */
    public int target() { return target; }

    public static Optional<Badge> fromCode(String code) {
        return Arrays.stream(values()).filter(b -> b.code.equals(code)).findFirst();
    }
}
