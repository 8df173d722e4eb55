package com.mallquest.core.domain.gamification;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.domain.ledger.ActivityScanner;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Recomputes leaderboards from the ledger: for every shopper met in the table, their score on each board is set
 * to the total of their activity entries ({@link Leaderboards#set}, with the same points rule as the live hook),
 * together with the markers of their recent credits. Setting a total is idempotent and needs no marker of old
 * credits: it restores a board after a {@code FLUSHALL}, markers lost while scores stayed, the credits that went to
 * per-container memory during a Redis outage, and changes nothing on a healthy board. Scores are sums and the
 * tie-break a maximum, so a rebuilt board equals the live one. A credit that lands between the read of a shopper's
 * entries and the write of their totals is counted by the next pass (its marker keeps it from being counted
 * twice).
 *
 * <ul>
 *   <li>{@link #step} is the cleanup job's bounded step: {@code LEADERBOARD_REBUILD_MAX_ITEMS} Users-table items
 *       per run, continuing from a cursor kept in the cache ({@code mq:lb:{rebuild}:cursor}); at the end of the
 *       table it starts over. A lost cursor only means starting over.</li>
 *   <li>{@link #rebuild} is the command (the cleanup function invoked with {@code {"rebuildLeaderboards": …}},
 *       locally {@code ./mallquest rebuild-leaderboards}): one period, or all, page after page within a time
 *       budget, returning a cursor to continue from when the budget ran out.</li>
 * </ul>
 */
public final class LeaderboardRebuild {

    static final String CURSOR_KEY = CacheKeys.build("lb", "rebuild", "cursor");
    private static final Duration CURSOR_TTL = Duration.ofDays(7);

    /**
     * What a rebuild did. {@code cursor}: where to continue; null when the table is done.
     *
     * @param scanned       Users-table items read
     * @param entries       activity entries added up (each shopper met in the page: all of theirs)
     * @param boardsChanged shopper scores that differed from their total (0 on healthy boards)
     */
    public record Result(int scanned, int entries, int boardsChanged, String cursor) {
        public boolean complete() {
            return cursor == null;
        }

        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scanned", scanned);
            out.put("entries", entries);
            out.put("boardsChanged", boardsChanged);
            out.put("complete", complete());
            out.put("cursor", cursor);
            return out;
        }
    }

    private final ActivityScanner scanner;
    private final Leaderboards leaderboards;
    private final Cache cache;

    public LeaderboardRebuild(ActivityScanner scanner, Leaderboards leaderboards, Cache cache) {
        this.scanner = scanner;
        this.leaderboards = leaderboards;
        this.cache = cache;
    }

    /** The cleanup step: up to {@code maxItems} items from where the previous run stopped, onto every board. */
    public Result step(int maxItems) {
        String cursor = cache.get(CURSOR_KEY).orElse(null);
        Result result;
        try {
            result = page(cursor, maxItems, null);
        } catch (IllegalArgumentException e) {
            result = page(null, maxItems, null); // a cursor of another shape: start over
        }
        if (result.complete()) {
            cache.delete(CURSOR_KEY);
        } else {
            cache.set(CURSOR_KEY, result.cursor(), CURSOR_TTL);
        }
        return result;
    }

    /**
     * Replays the ledger into the boards of {@code only} (null: every board), from {@code cursor} (null: the start),
     * page by page until the table is done or {@code budget} is spent.
     */
    public Result rebuild(BoardPeriod only, String cursor, int pageSize, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        int scanned = 0;
        int entries = 0;
        int changed = 0;
        do {
            Result page = page(cursor, pageSize, only);
            scanned += page.scanned();
            entries += page.entries();
            changed += page.boardsChanged();
            cursor = page.cursor();
        } while (cursor != null && System.nanoTime() < deadline);
        return new Result(scanned, entries, changed, cursor);
    }

    private Result page(String cursor, int maxItems, BoardPeriod only) {
        ActivityScanner.Page page = scanner.page(cursor, maxItems);
        Set<Period> periods = only == null ? EnumSet.allOf(Period.class) : EnumSet.of(only.period());
        Set<String> shoppers = new java.util.LinkedHashSet<>();
        page.entries().forEach(scanned -> shoppers.add(scanned.userId()));
        int entries = 0;
        int changed = 0;
        for (String userId : shoppers) {
            java.util.List<Leaderboards.Points> points = new java.util.ArrayList<>();
            for (var entry : scanner.entriesOf(userId)) {
                if (only != null && !only.contains(entry.at())) {
                    continue;
                }
                Gamification.points(userId, entry.creditId(), entry.kind(), entry.xp(), entry.at(), entry.details())
                        .ifPresent(points::add);
            }
            entries += points.size();
            changed += leaderboards.set(userId, points, periods);
        }
        return new Result(page.scanned(), entries, changed, page.cursor());
    }
}
