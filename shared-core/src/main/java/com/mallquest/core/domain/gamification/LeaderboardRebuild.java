package com.mallquest.core.domain.gamification;

import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.ActivityScanner;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheKeys;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Recomputes leaderboards from the period totals the credits keep in DynamoDB ({@link PeriodTotals}): one item per
 * shopper and period, read from the {@value PeriodTotals#SHARDS} shards of the totals GSI, sets that shopper's score
 * on the period's mall and store boards ({@link Leaderboards#setTotals}). Setting a total is idempotent: it restores a
 * board after a {@code FLUSHALL}, markers lost while scores stayed, credits that went to per-container memory during
 * a Redis outage, and changes nothing on a healthy board. A shopper credited within {@link Leaderboards#MARKER_WINDOW}
 * also gets the markers of those credits (their activity entries since then, a strongly consistent query made after
 * the totals were read, keeping only credits up to the totals' {@code lastAt}), so that a late live add of a credit
 * the total holds is refused. A credit that lands between the read of the totals and the write of the score is
 * counted by the next pass (its marker keeps it from being counted twice).
 *
 * <ul>
 *   <li>{@link #step} is the cleanup job's bounded step: {@code LEADERBOARD_REBUILD_MAX_ITEMS} totals items per run,
 *       continuing from a cursor kept in the cache ({@code mq:lb:{rebuild}:cursor}) through every period kept (weeks,
 *       months, all time); at the end it starts over. A lost cursor only means starting over.</li>
 *   <li>{@link #rebuild} is the command (the cleanup function invoked with {@code {"rebuildLeaderboards": …}},
 *       locally {@code ./mallquest rebuild-leaderboards}): one period, or every period kept, each period's shards
 *       read in parallel, within a time budget, returning a cursor to continue from (the period it stopped in,
 *       done again from its start) when the budget ran out.</li>
 * </ul>
 */
public final class LeaderboardRebuild {

    static final String CURSOR_KEY = CacheKeys.build("lb", "rebuild", "cursor");
    private static final Duration CURSOR_TTL = Duration.ofDays(7);

    /**
     * What a rebuild did. {@code cursor}: where to continue; null when every period asked for is done.
     *
     * @param scanned       totals items read (one per shopper and period)
     * @param entries       recent activity entries read for the markers of shoppers credited in the marker window
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

        Result plus(Result other, String next) {
            return new Result(scanned + other.scanned, entries + other.entries, boardsChanged + other.boardsChanged, next);
        }
    }

    /** Where a rebuild stands: a period, one of its shards, and the last user id done in it (null: none yet). */
    record Position(BoardPeriod board, int shard, String after) {
        String encode() {
            String raw = board.period().wireName() + "\n" + board.label() + "\n" + shard + "\n" + (after == null ? "" : after);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        /** The position a cursor names; {@link IllegalArgumentException} for anything this class did not write. */
        static Position decode(String cursor, Instant now) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
                int shard = Integer.parseInt(parts[2]);
                if (parts.length != 4 || shard < 0 || shard >= PeriodTotals.SHARDS) {
                    throw new IllegalArgumentException("not a rebuild cursor");
                }
                Period period = Period.fromWireName(parts[0]);
                BoardPeriod board = period == Period.ALL ? BoardPeriod.containing(Period.ALL, now)
                        : BoardPeriod.parse(period, parts[1], now);
                return new Position(board, shard, parts[3].isEmpty() ? null : parts[3]);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a cursor this rebuild returned", e);
            }
        }
    }

    private final PeriodTotals totals;
    private final ActivityScanner activity;
    private final Leaderboards leaderboards;
    private final Cache cache;
    private final Clock clock;
    private final int parallelism;

    /** A rebuild reading each period's {@value PeriodTotals#SHARDS} shards all at once. */
    public LeaderboardRebuild(PeriodTotals totals, ActivityScanner activity, Leaderboards leaderboards, Cache cache,
                              Clock clock) {
        this(totals, activity, leaderboards, cache, clock, PeriodTotals.SHARDS);
    }

    /**
     * @param parallelism shards read at once by {@link #rebuild} (1..{@value PeriodTotals#SHARDS}; fewer for a
     *                    DynamoDB-API emulator that serves one request at a time)
     */
    public LeaderboardRebuild(PeriodTotals totals, ActivityScanner activity, Leaderboards leaderboards, Cache cache,
                              Clock clock, int parallelism) {
        if (parallelism < 1 || parallelism > PeriodTotals.SHARDS) {
            throw new IllegalArgumentException("parallelism must be 1.." + PeriodTotals.SHARDS);
        }
        this.totals = totals;
        this.activity = activity;
        this.leaderboards = leaderboards;
        this.cache = cache;
        this.clock = clock;
        this.parallelism = parallelism;
    }

    /**
     * The cleanup step: up to {@code maxItems} totals items (and as many queries: empty shards cost one each) from
     * where the previous run stopped, onto every board.
     */
    public Result step(int maxItems) {
        List<BoardPeriod> boards = totals.kept(clock.instant());
        Position from = cache.get(CURSOR_KEY).map(cursor -> {
            try {
                Position p = Position.decode(cursor, clock.instant());
                return boards.contains(p.board()) ? p : null;
            } catch (IllegalArgumentException e) {
                return null; // a cursor of another shape: start over
            }
        }).orElse(new Position(boards.get(0), 0, null));
        Result done = new Result(0, 0, 0, null);
        Position at = from;
        for (int queries = 0; at != null && done.scanned() < maxItems && queries < maxItems; queries++) {
            PeriodTotals.Page page = totals.page(at.board(), at.shard(), at.after(), maxItems - done.scanned());
            done = done.plus(apply(at.board(), page.totals()), null);
            at = page.after() != null ? new Position(at.board(), at.shard(), page.after()) : next(boards, at);
        }
        if (at == null) {
            cache.delete(CURSOR_KEY);
            return done;
        }
        cache.set(CURSOR_KEY, at.encode(), CURSOR_TTL);
        return done.plus(new Result(0, 0, 0, null), at.encode());
    }

    /**
     * Rebuilds the boards of {@code only} (null: every period kept) from {@code cursor} (null: the start), a period at
     * a time with its shards read in parallel, until done or {@code budget} is spent; an unfinished period is named by
     * the cursor and done again from its start by the next call (setting is idempotent).
     *
     * @param pageSize totals items per query (DynamoDB returns at most 1 MB per page)
     */
    public Result rebuild(BoardPeriod only, String cursor, int pageSize, Duration budget) {
        Instant now = clock.instant();
        List<BoardPeriod> boards = only == null ? totals.kept(now) : List.of(only);
        int first = 0;
        if (cursor != null && !cursor.isBlank()) {
            first = boards.indexOf(Position.decode(cursor, now).board());
            if (first < 0) {
                throw new IllegalArgumentException("the cursor names a period this rebuild does not cover");
            }
        }
        long deadline = System.nanoTime() + budget.toNanos();
        Result done = new Result(0, 0, 0, null);
        ExecutorService shards = Executors.newFixedThreadPool(parallelism, task -> {
            Thread thread = new Thread(task, "leaderboard-rebuild");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int i = first; i < boards.size(); i++) {
                if (System.nanoTime() >= deadline) {
                    return done.plus(new Result(0, 0, 0, null), new Position(boards.get(i), 0, null).encode());
                }
                BoardPeriod board = boards.get(i);
                List<Future<Result>> parts = new ArrayList<>();
                for (int shard = 0; shard < PeriodTotals.SHARDS; shard++) {
                    int s = shard;
                    parts.add(shards.submit(() -> shard(board, s, pageSize, deadline)));
                }
                boolean finished = true;
                for (Future<Result> part : parts) {
                    Result r = part.get();
                    finished &= r.complete();
                    done = done.plus(r, null);
                }
                if (!finished) {
                    return done.plus(new Result(0, 0, 0, null), new Position(board, 0, null).encode());
                }
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("leaderboard rebuild interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            shards.shutdownNow();
        }
    }

    /** One shard of one period, page after page; its cursor is non-null when the deadline came first. */
    private Result shard(BoardPeriod board, int shard, int pageSize, long deadline) {
        Result done = new Result(0, 0, 0, null);
        String after = null;
        do {
            PeriodTotals.Page page = totals.page(board, shard, after, pageSize);
            done = done.plus(apply(board, page.totals()), null);
            after = page.after();
        } while (after != null && System.nanoTime() < deadline);
        return done.plus(new Result(0, 0, 0, null), after);
    }

    /** Sets one page's shoppers on their boards, with the markers of their credits in the marker window. */
    private Result apply(BoardPeriod board, List<PeriodTotals.Totals> page) {
        Instant markersFrom = clock.instant().minus(Leaderboards.MARKER_WINDOW);
        Map<String, List<Leaderboards.Points>> recent = new HashMap<>();
        int entries = 0;
        for (PeriodTotals.Totals shopper : page) {
            if (shopper.lastAt().isBefore(markersFrom)) {
                continue;
            }
            List<Leaderboards.Points> points = new ArrayList<>();
            for (ActivityEntry entry : activity.entriesSince(shopper.userId(), markersFrom)) {
                entries++;
                if (!entry.at().isAfter(shopper.lastAt())) { // a credit the totals hold
                    Gamification.points(shopper.userId(), entry.creditId(), entry.kind(), entry.xp(), entry.at(),
                            entry.details()).ifPresent(points::add);
                }
            }
            recent.put(shopper.userId(), points);
        }
        return new Result(page.size(), entries, leaderboards.setTotals(board, page, recent), null);
    }

    /** The start of the shard after {@code at}'s, or of the next period's first shard; null after the last. */
    private static Position next(List<BoardPeriod> boards, Position at) {
        if (at.shard() + 1 < PeriodTotals.SHARDS) {
            return new Position(at.board(), at.shard() + 1, null);
        }
        int i = boards.indexOf(at.board());
        return i + 1 < boards.size() ? new Position(boards.get(i + 1), 0, null) : null;
    }
}
