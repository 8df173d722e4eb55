package com.mallquest.core.domain.gamification;

/**
 * What the badge rules look at, for one shopper at one moment.
 *
 * @param receipts        receipts credited so far (the ledger's count)
 * @param stores          different stores with a credited receipt
 * @param receiptsInMonth receipts credited in the month looked at (the credit's month, or this month for progress)
 * @param level           the level now
 * @param bestStreak      the longest run of weeks with a receipt
 * @param bigBasket       this receipt reached the big-basket amount
 * @param nightOwl        this receipt was bought 21:00–04:59 store time
 * @param earlyBird       this receipt was bought 05:00–08:59 store time
 */
record BadgeFacts(long receipts, int stores, long receiptsInMonth, int level, int bestStreak,
                  boolean bigBasket, boolean nightOwl, boolean earlyBird) {

    /** How far the facts go towards {@code badge} (capped at its target). */
    int progress(Badge badge) {
        long value = switch (badge) {
            case FIRST_RECEIPT -> receipts;
            case FIVE_STORES -> stores;
            case TEN_IN_A_MONTH -> receiptsInMonth;
            case LEVEL_5, LEVEL_10 -> level;
            case THREE_WEEK_STREAK -> bestStreak;
            case BIG_BASKET -> bigBasket ? 1 : 0;
            case NIGHT_OWL -> nightOwl ? 1 : 0;
            case EARLY_BIRD -> earlyBird ? 1 : 0;
        };
        return (int) Math.min(badge.target(), value);
    }

    boolean earns(Badge badge) {
        return progress(badge) >= badge.target();
    }
}
