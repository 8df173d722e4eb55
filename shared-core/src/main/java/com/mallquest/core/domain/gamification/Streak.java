package com.mallquest.core.domain.gamification;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * A weekly visit streak, computed from the set of ISO weeks with a credited receipt (by purchase time, UTC), so
 * the order in which receipts arrive does not matter.
 *
 * <p>{@code current} counts the weeks in a row ending with this week, or with last week while this week has no
 * receipt yet (the shopper still has until Sunday 23:59:59Z to keep it); once a whole week passes without a
 * receipt it is 0. {@code best} is the longest run ever.
 *
 * @param lastWeek the latest week with a receipt, null when none
 */
public record Streak(int current, int best, String lastWeek) {

    /** The streak of {@code weeks} as of {@code now}. */
    public static Streak of(Set<String> weeks, Instant now) {
        TreeSet<Instant> starts = new TreeSet<>();
        for (String week : weeks) {
            try {
                starts.add(BoardPeriod.parseWeek(week).start());
            } catch (RuntimeException e) {
                // not a week label: ignored
            }
        }
        if (starts.isEmpty()) {
            return new Streak(0, 0, null);
        }
        int best = 0;
        int run = 0;
        Instant previous = null;
        for (Instant start : starts) {
            run = previous != null && previous.plus(Duration.ofDays(7)).equals(start) ? run + 1 : 1;
            best = Math.max(best, run);
            previous = start;
        }
        Instant thisWeek = BoardPeriod.containing(Period.WEEK, now).start();
        Instant from = starts.contains(thisWeek) ? thisWeek : thisWeek.minus(Duration.ofDays(7));
        int current = 0;
        while (starts.contains(from)) {
            current++;
            from = from.minus(Duration.ofDays(7));
        }
        Instant last = starts.last();
        return new Streak(current, best, BoardPeriod.containing(Period.WEEK, last).label());
    }
}
