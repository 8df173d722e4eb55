package com.mallquest.core.domain.gamification;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.cache.Cache.ScoredMember;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.cache.RankedScore;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.errors.DomainException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Leaderboards of XP per period (ISO week, month, all time) for the whole mall and for each store, in Redis
 * sorted sets.
 *
 * <p><b>Keys.</b> One board is two keys with one hash tag, so the script that updates them runs in one cluster
 * slot: {@code mq:lb:{<period>:<label>:<scope>}:scores} (member = user id, score = {@link RankedScore}: XP, ties
 * broken by who reached it first) and {@code …:marks} (a {@link #marker} of each credit counted in the last
 * {@link #MARKER_WINDOW}, and one {@code ~<userId>} per shopper whose markers it holds), e.g.
 * {@code mq:lb:{week:2026-W49:mall}:scores}, {@code mq:lb:{month:2026-12:store:zara}:marks}.
 *
 * <p><b>Exactly once, in bounded memory.</b> {@link #add} adds a credit's XP with {@link Cache#rankedAddOnce}: the
 * credit's marker goes into the board's markers and the score moves only if it was new, atomically, so a replay
 * or a retry never adds twice. Markers live {@link #MARKER_WINDOW} after the credit (the activity time) and a
 * credit older than that is never added live; so the markers of a board grow with the credits of a week, not with
 * history. A shopper whose score stayed while their markers went (eviction, a partial wipe) is never counted again
 * live: only the rebuild sets them. The ledger stays the source of truth: {@link LeaderboardRebuild} sets each
 * shopper's score to the total of their activity entries ({@link #set}), with the markers of their recent credits.
 *
 * <p><b>Retention.</b> A weekly board expires {@code LEADERBOARD_WEEKS_KEPT} weeks after its week ends, a
 * monthly one {@code LEADERBOARD_MONTHS_KEPT} months after; older periods are 410 {@code period_expired}.
 * The all-time board expires {@code LEADERBOARD_ALL_TIME_IDLE_DAYS} after its last credit.
 *
 * <p><b>Privacy.</b> Public boards show a display name the shopper chose, or a masked id
 * ({@code shopper-3f9a1c}: a hash, never the raw id); shoppers who hid are left out of public lists and of
 * others' neighbours. Ranks are positions among everyone, so a hidden shopper keeps their own rank.
 */
public final class Leaderboards {

    /** How long boards are kept. */
    public record Retention(int weeksKept, int monthsKept, Duration allTimeIdle) {
        public static Retention from(Settings settings) {
            return new Retention(settings.leaderboardWeeksKept(), settings.leaderboardMonthsKept(),
                    settings.leaderboardAllTimeIdle());
        }

        /** When {@code board} expires, given a credit (or a rebuild) at {@code now}. */
        public Instant expireAt(BoardPeriod board, Instant now) {
            return switch (board.period()) {
                case WEEK -> board.end().plus(Duration.ofDays(7L * weeksKept));
                case MONTH -> board.end().atZone(ZoneOffset.UTC).plusMonths(monthsKept).toInstant();
                case ALL -> now.plus(allTimeIdle);
            };
        }

        /** True once {@code board} is past retention at {@code now}. */
        public boolean expired(BoardPeriod board, Instant now) {
            return board.end() != null && !expireAt(board, now).isAfter(now);
        }
    }

    /** A credit's contribution: {@code points} XP at {@code at} (the activity entry's time), in a store or not. */
    public record Points(String userId, String creditId, long points, Instant at, String storeId) { }

    /** One public row. {@code name}: the display name or a masked id. */
    public record Entry(long rank, String name, long score) { }

    /** A public board. {@code store}: null for the whole mall; {@code to}: null for all time. */
    public record Board(String period, String at, String store, Instant from, Instant to, List<Entry> entries) { }

    /**
     * A shopper's place: {@code rank} is null while they have no positive score on the board; {@code above} and
     * {@code below} are the nearest visible shoppers (null at the top, at the bottom or off the board).
     */
    public record Standing(String period, String at, String store, Long rank, long score, boolean publicLeaderboards,
                           Entry above, Entry below) { }

    private static final double LOWEST_POSITIVE = RankedScore.lowestWith(1);

    /**
     * How long after a credit (its activity time) its markers are kept, and so the longest a live add or a replay of
     * the hook may come after it: far longer than any retry or a pending claim's completion by the cleanup job (a
     * lease and a five-minute schedule). A later one is left to the rebuild: slower to show, never counted twice.
     * Each day of window costs about 0.3 GB of markers at 16 million credits a month (docs/capacity.md).
     */
    public static final Duration MARKER_WINDOW = Duration.ofDays(2);

    private final Cache cache;
    private final PlayerRecords players;
    private final Clock clock;
    private final Retention retention;

    public Leaderboards(Cache cache, PlayerRecords players, Clock clock, Retention retention) {
        this.cache = cache;
        this.players = players;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * Adds a credit's points to every board it belongs to (week, month, all time; the mall and its store),
     * skipping periods already past retention. Safe to repeat: returns how many boards this call changed.
     */
    public int add(Points p) {
        return add(p, java.util.EnumSet.allOf(Period.class));
    }

    /**
     * {@link #add(Points)} onto the boards of {@code periods} only (a rebuild of one period). Every board is its own
     * hash tag (slot), so each is one script, and the scripts of all boards go together in one {@link CacheBatch}:
     * one round trip (cluster mode: one per node, in parallel) instead of one per board.
     */
    public int add(Points p, Set<Period> periods) {
        if (p.points() == 0) {
            return 0;
        }
        Instant now = clock.instant();
        CacheBatch batch = new CacheBatch();
        List<CacheBatch.Result<Boolean>> added = new ArrayList<>();
        for (Period period : periods) {
            BoardPeriod board = BoardPeriod.containing(period, p.at());
            if (expired(board, now)) {
                continue;
            }
            Instant expireAt = expireAt(board, now);
            long tick = board.tick(p.at());
            for (String scope : scopes(p.storeId())) {
                added.add(batch.rankedAddOnce(scoresKey(board, scope), marksKey(board, scope), marker(p), p.userId(),
                        p.points(), tick, p.at(), now.minus(MARKER_WINDOW), expireAt));
            }
        }
        cache.execute(batch);
        return (int) added.stream().filter(CacheBatch.Result::get).count();
    }

    /**
     * The rebuild of one shopper: sets their score on every board of {@code periods} that {@code all} (every credit
     * of theirs, from the ledger) reaches to the sum of its points, the latest tick kept, and records the markers of
     * the credits within {@link #MARKER_WINDOW}, so that a late live add of one of them is not counted again.
     * Periods past retention are skipped. Returns how many boards' scores changed.
     */
    public int set(String userId, List<Points> all, Set<Period> periods) {
        Instant now = clock.instant();
        Instant markersFrom = now.minus(MARKER_WINDOW);
        Map<String, Total> totals = new java.util.LinkedHashMap<>();
        for (Points p : all) {
            if (p.points() == 0) {
                continue;
            }
            for (Period period : periods) {
                BoardPeriod board = BoardPeriod.containing(period, p.at());
                if (expired(board, now)) {
                    continue;
                }
                for (String scope : scopes(p.storeId())) {
                    Total total = totals.computeIfAbsent(scoresKey(board, scope),
                            k -> new Total(board, scope, new java.util.LinkedHashMap<>()));
                    total.points += p.points();
                    total.tick = Math.max(total.tick, board.tick(p.at()));
                    if (!p.at().isBefore(markersFrom)) {
                        total.markers.put(marker(p), p.at());
                    }
                }
            }
        }
        int changed = 0;
        for (Total t : totals.values()) {
            if (cache.rankedSet(scoresKey(t.board, t.scope), marksKey(t.board, t.scope), userId, t.points, t.tick,
                    t.markers, markersFrom, expireAt(t.board, now))) {
                changed++;
            }
        }
        return changed;
    }

    /**
     * The rebuild from the period totals: sets each shopper's score on every board of {@code board}'s period (the mall
     * and each store in their {@link PeriodTotals.Totals}) to the total, reached at the scope's {@code lastAt}, with
     * the markers of {@code recent} (per shopper: their credits within {@link #MARKER_WINDOW} that the totals hold),
     * so that a late live add of one of them is not counted again. All of it in one {@link CacheBatch}; nothing for
     * a period past retention. Returns how many scores changed.
     */
    public int setTotals(BoardPeriod board, List<PeriodTotals.Totals> shoppers, Map<String, List<Points>> recent) {
        Instant now = clock.instant();
        if (expired(board, now)) {
            return 0;
        }
        Instant markersFrom = now.minus(MARKER_WINDOW);
        Instant expireAt = expireAt(board, now);
        CacheBatch batch = new CacheBatch();
        List<CacheBatch.Result<Boolean>> changed = new ArrayList<>();
        for (PeriodTotals.Totals shopper : shoppers) {
            List<Points> credits = recent.getOrDefault(shopper.userId(), List.of());
            shopper.scopes().forEach((scope, total) -> {
                Map<String, Instant> markers = new java.util.LinkedHashMap<>();
                for (Points p : credits) {
                    if (p.points() != 0 && board.contains(p.at()) && !p.at().isBefore(markersFrom)
                            && scopes(p.storeId()).contains(scope)) {
                        markers.put(marker(p), p.at());
                    }
                }
                changed.add(batch.rankedSet(scoresKey(board, scope), marksKey(board, scope), shopper.userId(),
                        total.points(), board.tick(total.lastAt()), markers, markersFrom, expireAt));
            });
        }
        cache.execute(batch);
        return (int) changed.stream().filter(CacheBatch.Result::get).count();
    }

    /** A shopper's sum on one board while a rebuild adds it up. */
    private static final class Total {
        final BoardPeriod board;
        final String scope;
        final Map<String, Instant> markers;
        long points;
        long tick;

        Total(BoardPeriod board, String scope, Map<String, Instant> markers) {
            this.board = board;
            this.scope = scope;
            this.markers = markers;
        }
    }

    /** The top {@code limit} visible shoppers of a board. */
    public Board top(Period period, String at, String storeId, int limit) {
        BoardPeriod board = readable(period, at);
        String key = scoresKey(board, scope(storeId));
        List<Entry> entries = new ArrayList<>();
        double max = Double.POSITIVE_INFINITY;
        long seen = 0;
        while (entries.size() < limit) {
            int want = Math.min(200, (limit - entries.size()) * 2);
            List<ScoredMember> page = cache.sortedRangeByScore(key, LOWEST_POSITIVE, max, true, want);
            if (page.isEmpty()) {
                break;
            }
            Map<String, PlayerState> sides = players.publicSides(members(page));
            for (ScoredMember member : page) {
                seen++;
                PlayerState side = sides.get(member.member());
                if (side.publicLeaderboards() && entries.size() < limit) {
                    entries.add(entry(seen, member, side));
                }
            }
            if (page.size() < want) {
                break;
            }
            max = page.get(page.size() - 1).score() - 1;
        }
        return new Board(period.wireName(), board.label(), storeId, board.start(), board.end(), List.copyOf(entries));
    }

    /** {@code userId}'s rank, score and nearest visible neighbours on a board. */
    public Standing standing(String userId, Period period, String at, String storeId) {
        BoardPeriod board = readable(period, at);
        String key = scoresKey(board, scope(storeId));
        boolean visible = players.publicSides(Set.of(userId)).get(userId).publicLeaderboards();
        Optional<Double> score = cache.sortedScore(key, userId);
        if (score.isEmpty() || score.get() < LOWEST_POSITIVE) {
            return new Standing(period.wireName(), board.label(), storeId, null,
                    score.map(RankedScore::points).orElse(0L), visible, null, null);
        }
        long rank = cache.sortedRankDescending(key, userId).orElse(0L) + 1;
        Entry above = neighbour(key, score.get() + 1, Double.POSITIVE_INFINITY, false, rank, -1);
        Entry below = neighbour(key, LOWEST_POSITIVE, score.get() - 1, true, rank, +1);
        return new Standing(period.wireName(), board.label(), storeId, rank, RankedScore.points(score.get()), visible,
                above, below);
    }

    /** The nearest visible member in {@code [min, max]} going away from the shopper (at most 50 looked at). */
    private Entry neighbour(String key, double min, double max, boolean descending, long rank, int step) {
        List<ScoredMember> near = cache.sortedRangeByScore(key, min, max, descending, 50);
        if (near.isEmpty()) {
            return null;
        }
        Map<String, PlayerState> sides = players.publicSides(members(near));
        for (int i = 0; i < near.size(); i++) {
            PlayerState side = sides.get(near.get(i).member());
            if (side.publicLeaderboards()) {
                return entry(rank + (long) step * (i + 1), near.get(i), side);
            }
        }
        return null;
    }

    /** The board named by a request; 410 {@code period_expired} once it is past retention. */
    BoardPeriod readable(Period period, String at) {
        Instant now = clock.instant();
        BoardPeriod board = BoardPeriod.parse(period, at, now);
        if (expired(board, now)) {
            throw DomainException.gone("period_expired", "The " + period.wireName() + " " + board.label()
                    + " is older than this mall keeps leaderboards");
        }
        return board;
    }

    boolean expired(BoardPeriod board, Instant now) {
        return retention.expired(board, now);
    }

    Instant expireAt(BoardPeriod board, Instant now) {
        return retention.expireAt(board, now);
    }

    /**
     * A credit's marker: the first 72 bits of the SHA-256 of {@code <userId>/<creditId>} (credit ids are unique per
     * user, not across users), as 12 base64url characters: a fifth of the text's bytes. Two credits of one board
     * sharing a marker in the same week (about 10^-8 for a board with 4 million markers) would make the second one
     * wait for the rebuild: never a double count.
     */
    static String marker(Points p) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((p.userId() + "/" + p.creditId()).getBytes(StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String scoresKey(BoardPeriod board, String scope) {
        return CacheKeys.build("lb", tag(board, scope), "scores");
    }

    static String marksKey(BoardPeriod board, String scope) {
        return CacheKeys.build("lb", tag(board, scope), "marks");
    }

    private static String tag(BoardPeriod board, String scope) {
        return board.period().wireName() + (board.period() == Period.ALL ? "" : ":" + board.label()) + ":" + scope;
    }

    private static List<String> scopes(String storeId) {
        return storeId == null ? List.of("mall") : List.of("mall", "store:" + storeId);
    }

    private static String scope(String storeId) {
        return storeId == null ? "mall" : "store:" + storeId;
    }

    private static Set<String> members(List<ScoredMember> page) {
        Set<String> ids = new LinkedHashSet<>();
        page.forEach(m -> ids.add(m.member()));
        return ids;
    }

    private static Entry entry(long rank, ScoredMember member, PlayerState side) {
        return new Entry(rank, side.displayName().orElseGet(() -> maskedId(member.member())),
                RankedScore.points(member.score()));
    }

    /** {@code shopper-} and 6 hex digits of the id's SHA-256: stable, short, and not the id. */
    public static String maskedId(String userId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
            return "shopper-" + HexFormat.of().formatHex(hash, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
