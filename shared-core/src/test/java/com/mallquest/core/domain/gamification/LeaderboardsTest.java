package com.mallquest.core.domain.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.RankedScore;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leaderboards on a real redis-server of this class's own and moto_server: periods, ties, exactly once, privacy. */
class LeaderboardsTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    static final EffectPublisher NO_EFFECTS = (userId, type, data) -> { };

    MutableClock clock;
    Platform core;
    Gamification game;
    Leaderboards boards;
    String run;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z")); // Wednesday of 2026-W48
        core = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        game = new Services(core, NO_EFFECTS).gamification();
        boards = game.leaderboards();
        run = UUID.randomUUID().toString().substring(0, 6);
    }

    /** A receipt credit of {@code xp} XP in {@code store} now (the ledger's activity time), then the hook. */
    CreditResult credit(String user, String id, long xp, String store) {
        CreditResult result = new Services(core).ledger().credit(new Credit(user, "receipt:" + store + ":" + id, xp * 2, xp,
                CreditKind.RECEIPT, Map.of("storeId", store, "receiptId", id, "amount", xp + ".00")));
        game.onCredited(result);
        return result;
    }

    String user(String name) {
        return name + "-" + run;
    }

    long score(String user, Period period, String at, String store) {
        return boards.standing(user, period, at, store).score();
    }

    @Test
    void week_shouldEndAtSunday235959Z_andMondayMidnightStartTheNext() {
        String ann = user("ann");
        clock.set(Instant.parse("2026-11-29T23:59:59Z")); // Sunday, last second of W48
        credit(ann, "sun", 10, "zara");
        clock.set(Instant.parse("2026-11-30T00:00:00Z")); // Monday, first second of W49
        credit(ann, "mon", 25, "zara");

        assertEquals(10, score(ann, Period.WEEK, "2026-W48", null));
        assertEquals(25, score(ann, Period.WEEK, "2026-W49", null));
        assertEquals(25, score(ann, Period.WEEK, null, null), "the current week is W49");
        assertEquals(35, score(ann, Period.MONTH, "2026-11", null), "both in November");
        assertEquals(35, score(ann, Period.ALL, null, null));
        assertEquals(35, score(ann, Period.ALL, null, "zara"));
    }

    @Test
    void month_shouldEndAtItsLastSecond_UTC() {
        String ann = user("ann");
        clock.set(Instant.parse("2026-11-30T23:59:59Z"));
        credit(ann, "nov", 10, "zara");
        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        credit(ann, "dec", 25, "zara");
        assertEquals(10, score(ann, Period.MONTH, "2026-11", null));
        assertEquals(25, score(ann, Period.MONTH, "2026-12", null));
        assertEquals(35, score(ann, Period.WEEK, "2026-W49", null), "one week");
    }

    @Test
    void theSameCreditIdOfTwoUsers_shouldCountForBoth() {
        // credit ids are unique per user only (e.g. adjustments of one batch)
        String ann = user("ann");
        String bob = user("bob");
        credit(ann, "same", 10, "zara");
        credit(bob, "same", 20, "zara");
        assertEquals(10, score(ann, Period.WEEK, null, null));
        assertEquals(20, score(bob, Period.WEEK, null, null));
    }

    @Test
    void top_shouldListAHundred_whenTheBoardHasMoreThanAHundredShoppers() {
        // GIVEN 150 shoppers on a store's week board (scores 1..150), the best one private, the second named
        String store = "big-" + run;
        for (int i = 1; i <= 150; i++) {
            boards.add(new Leaderboards.Points(user("s" + i), "receipt:" + store + ":" + i, i, clock.instant(), store), Set.of(Period.WEEK));
        }
        game.savePreferences(user("s150"), new Gamification.Preferences(false, null));
        game.savePreferences(user("s149"), new Gamification.Preferences(true, "Number Two"));
        // WHEN the top 100 are read (one page of up to 200 members, whose public sides are read together)
        List<Leaderboards.Entry> top = boards.top(Period.WEEK, null, store, 100).entries();
        // THEN 100 rows, 149 down to 50: the private shopper left out, the named one by name
        assertEquals(100, top.size());
        assertEquals("Number Two", top.get(0).name());
        assertEquals(149, top.get(0).score());
        assertEquals(50, top.get(99).score());
    }

    @Test
    void ties_shouldGoToWhoReachedTheScoreFirst() {
        String ann = user("ann");
        String bob = user("bob");
        String cid = user("cid");
        credit(bob, "b1", 40, "hm");
        clock.advance(Duration.ofSeconds(5));
        credit(ann, "a1", 100, "hm");          // ann reaches 100 first
        clock.advance(Duration.ofSeconds(5));
        credit(bob, "b2", 60, "hm");           // bob reaches 100 five seconds later
        clock.advance(Duration.ofSeconds(5));
        credit(cid, "c1", 50, "hm");

        var top = boards.top(Period.WEEK, null, null, 100).entries().stream()
                .filter(e -> e.name().equals(Leaderboards.maskedId(ann)) || e.name().equals(Leaderboards.maskedId(bob))
                        || e.name().equals(Leaderboards.maskedId(cid)))
                .toList();
        assertEquals(List.of(Leaderboards.maskedId(ann), Leaderboards.maskedId(bob), Leaderboards.maskedId(cid)),
                top.stream().map(Leaderboards.Entry::name).toList());
        assertEquals(List.of(100L, 100L, 50L), top.stream().map(Leaderboards.Entry::score).toList());
        var bobs = boards.standing(bob, Period.WEEK, null, "hm");
        assertEquals(2L, bobs.rank());
        assertEquals(Leaderboards.maskedId(ann), bobs.above().name());
        assertEquals(1L, bobs.above().rank());
        assertEquals(Leaderboards.maskedId(cid), bobs.below().name());
        assertEquals(3L, bobs.below().rank());
    }

    @Test
    void aReplayedOrRetriedCredit_shouldNeverAddTwice_evenConcurrently() throws Exception {
        String ann = user("ann");
        CreditResult first = credit(ann, "r1", 30, "zara");
        // WHEN the ledger replays the credit and the hook runs again, 20 times at once
        Concurrently.run(20, i -> () -> {
            game.onCredited(new Services(core).ledger().credit(first.credit()));
            return null;
        });
        // THEN every board counts it once
        assertEquals(30, score(ann, Period.WEEK, null, null));
        assertEquals(30, score(ann, Period.MONTH, null, "zara"));
        assertEquals(30, score(ann, Period.ALL, null, null));
    }

    @Test
    void twentyParallelCredits_shouldAllCount_once() throws Exception {
        String ann = user("ann");
        Concurrently.run(20, i -> () -> credit(ann, "p" + i, 5, i % 2 == 0 ? "zara" : "hm"));
        assertEquals(100, score(ann, Period.WEEK, null, null));
        assertEquals(50, score(ann, Period.WEEK, null, "zara"));
        assertEquals(50, score(ann, Period.WEEK, null, "hm"));
    }

    @Test
    void negativeXp_shouldLowerTheScore_andAdjustmentsCountOnlyWhenFlagged() {
        String ann = user("ann");
        credit(ann, "r1", 80, "zara");
        Ledger ledger = new Services(core).ledger();
        game.onCredited(ledger.credit(new Credit(ann, "adj:" + run + ":1", 0, 500, CreditKind.ADJUSTMENT, Map.of())));
        game.onCredited(ledger.credit(new Credit(ann, "adj:" + run + ":2", 0, -30, CreditKind.ADJUSTMENT,
                Map.of("leaderboard", "true", "storeId", "zara"))));
        assertEquals(50, score(ann, Period.WEEK, null, null));
        assertEquals(50, score(ann, Period.WEEK, null, "zara"));
    }

    @Test
    void aReceiptRefund_shouldLowerTheMallAndStoreScores_once() {
        String ann = user("ann");
        credit(ann, "r1", 120, "nike");
        var refund = new Services(core).ledger().credit(new Credit(ann, "refund:nike:r1:f1", -100, -50, CreditKind.RECEIPT_REFUND,
                Map.of("storeId", "nike", "receiptId", "r1", "refundId", "f1", "amount", "50.00")));
        game.onCredited(refund);
        game.onCredited(refund); // a retry of the refund's hook
        assertEquals(70, score(ann, Period.WEEK, null, null));
        assertEquals(70, score(ann, Period.WEEK, null, "nike"));
        assertEquals(70, score(ann, Period.ALL, null, "nike"));
    }

    @Test
    void hiddenShoppers_shouldLeavePublicListsAndNeighbours_butKeepTheirOwnRank() {
        String ann = user("ann");
        String bob = user("bob");
        String cid = user("cid");
        String store = "store-" + run; // a board of this test's own
        credit(ann, "a", 300, store);
        credit(bob, "b", 200, store);
        credit(cid, "c", 100, store);
        game.savePreferences(bob, new Gamification.Preferences(false, null));
        game.savePreferences(ann, new Gamification.Preferences(true, "Ann B."));

        var top = boards.top(Period.WEEK, null, store, 10).entries();
        assertEquals(List.of("Ann B.", Leaderboards.maskedId(cid)), top.stream().map(Leaderboards.Entry::name).toList());
        assertEquals(List.of(1L, 3L), top.stream().map(Leaderboards.Entry::rank).toList(), "ranks are positions among all");
        assertTrue(top.stream().noneMatch(e -> e.name().contains(ann) || e.name().contains(cid)), "no raw ids");
        var cids = boards.standing(cid, Period.WEEK, null, store);
        assertEquals(3L, cids.rank());
        assertEquals("Ann B.", cids.above().name(), "the hidden neighbour is skipped");
        var bobs = boards.standing(bob, Period.WEEK, null, store);
        assertEquals(2L, bobs.rank());
        assertEquals(false, bobs.publicLeaderboards());

        game.savePreferences(bob, new Gamification.Preferences(true, null));
        assertEquals(3, boards.top(Period.WEEK, null, store, 10).entries().size());
    }

    @Test
    void periods_shouldBeReadableWithinRetention_only() {
        String ann = user("ann");
        credit(ann, "w48", 10, "zara");
        clock.advance(Duration.ofDays(7));
        assertEquals(10, score(ann, Period.WEEK, "2026-W48", null), "last week stays readable");
        assertEquals(0, score(ann, Period.WEEK, null, null));
        var expired = assertThrows(DomainException.class, () -> boards.top(Period.WEEK, "2026-W30", null, 10));
        assertEquals("period_expired", expired.code());
        assertEquals("at", assertThrows(DomainException.class, () -> boards.top(Period.WEEK, "2026-W50", null, 10)).field());
        assertEquals("at", assertThrows(DomainException.class, () -> boards.top(Period.WEEK, "2026-48", null, 10)).field());
        assertEquals("at", assertThrows(DomainException.class, () -> boards.top(Period.MONTH, "2026-13", null, 10)).field());
        assertEquals("at", assertThrows(DomainException.class, () -> boards.top(Period.ALL, "2026", null, 10)).field());
        assertNull(boards.standing(user("nobody"), Period.WEEK, null, null).rank());
    }

    @Test
    void boards_shouldExpireAfterRetention() {
        String ann = user("ann");
        credit(ann, "w48", 10, "zara");
        Cache cache = core.cache();
        BoardPeriod w48 = BoardPeriod.containing(Period.WEEK, clock.instant());
        // GIVEN the week's keys carry an expiry of its end + 12 weeks
        Instant expected = w48.end().plus(Duration.ofDays(7 * Settings.fromEnvironment(redis.environment()).leaderboardWeeksKept()));
        assertEquals(expected, boards.expireAt(w48, clock.instant()));
        assertTrue(cache.sortedScore(Leaderboards.scoresKey(w48, "mall"), ann).isPresent());
        // AND a credit that late is never counted live (older than the marker window), and the rebuild that
        // counts it does not bring the week's board back
        clock.set(expected.plusSeconds(1));
        Leaderboards.Points late = new Leaderboards.Points(ann, "late", 5, w48.start(), null);
        assertEquals(0, boards.add(late));
        assertEquals(2, boards.set(ann, List.of(late), java.util.EnumSet.allOf(Period.class)),
                "only the month and all-time boards change");
        assertTrue(boards.expired(w48, clock.instant()));
    }

    @Test
    void scores_shouldStayExact_forLargeTotals() {
        String ann = user("ann");
        credit(ann, "big", 5_000, "zara");
        for (int i = 0; i < 20; i++) {
            credit(ann, "big" + i, 5_000, "zara");
        }
        assertEquals(105_000, score(ann, Period.ALL, null, null));
        double raw = core.cache().sortedScore(Leaderboards.scoresKey(BoardPeriod.containing(Period.ALL, clock.instant()), "mall"), ann)
                .orElseThrow();
        assertEquals(105_000, RankedScore.points(raw));
    }
}
