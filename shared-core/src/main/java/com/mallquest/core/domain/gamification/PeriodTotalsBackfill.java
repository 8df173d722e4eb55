package com.mallquest.core.domain.gamification;

import com.mallquest.core.domain.ledger.ActivityScanner;
import com.mallquest.core.domain.ledger.Ledger;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one-off migration of the leaderboard period totals ({@link PeriodTotals}) for credits made before the credit
 * wrote them: reads the ledger's history once, shopper by shopper (a {@code Scan} of activity entries, in table
 * order), and sets each shopper's totals of every period kept to the sum of their activity entries, in one
 * transaction on condition that no credit of theirs applied since the read ({@link Ledger#writeFromActivity}: a
 * credit that comes between makes it read again). So it may run while receipts are credited, and again: a total it
 * writes is the whole history's, never added to. Run it once after the release that writes totals, before relying on
 * the rebuild ({@code {"backfillLeaderboardTotals": {"cursor": …}}} to the cleanup function, again with each
 * answer's cursor until it is null).
 */
public final class PeriodTotalsBackfill {

    /**
     * What a run did. {@code cursor}: where to continue; null when the table is done.
     *
     * @param scanned  Users-table items read by the scan
     * @param shoppers shoppers whose totals were written
     * @param items    totals items written
     */
    public record Result(int scanned, int shoppers, int items, String cursor) {
        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scanned", scanned);
            out.put("shoppers", shoppers);
            out.put("items", items);
            out.put("complete", cursor == null);
            out.put("cursor", cursor);
            return out;
        }
    }

    private final ActivityScanner activity;
    private final Ledger ledger;
    private final PeriodTotals totals;
    private final Clock clock;

    public PeriodTotalsBackfill(ActivityScanner activity, Ledger ledger, PeriodTotals totals, Clock clock) {
        this.activity = activity;
        this.ledger = ledger;
        this.totals = totals;
        this.clock = clock;
    }

    /** Pages of {@code pageSize} scanned items from {@code cursor} (null: the start) until done or {@code budget} is spent. */
    public Result run(String cursor, int pageSize, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        int scanned = 0;
        int shoppers = 0;
        int items = 0;
        do {
            ActivityScanner.Page page = activity.page(cursor, pageSize);
            scanned += page.scanned();
            Set<String> met = new LinkedHashSet<>();
            page.entries().forEach(entry -> met.add(entry.userId()));
            for (String userId : met) {
                items += ledger.writeFromActivity(userId, entries -> totals.fromHistory(userId, entries, clock.instant()));
                shoppers++;
            }
            cursor = page.cursor();
        } while (cursor != null && System.nanoTime() < deadline);
        return new Result(scanned, shoppers, items, cursor);
    }
}
