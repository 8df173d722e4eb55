package com.mallquest.core.domain.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leaderboards are a function of the ledger: a rebuild from the period totals after FLUSHALL gives back exactly
 * the live boards (refunds and leaderboard adjustments included), never counting a late live add twice.
 */
class LeaderboardRebuildTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    static final EffectPublisher NO_EFFECTS = (userId, type, data) -> { };
    static final List<String> STORES = List.of("zara", "hm", "nike");

    MutableClock clock;
    Platform core;
    Gamification game;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z")); // Thursday of 2026-W48
        core = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        game = new Services(core, NO_EFFECTS).gamification();
        flushAll();
    }

    void flushAll() {
        try (Jedis jedis = new Jedis(redis.uri())) {
            jedis.flushAll();
        }
    }

    /** Two weeks and two months of receipts of five shoppers in three stores, a refund-like reversal and ties. */
    void playTwoWeeks() {
        Ledger ledger = new Services(core).ledger();
        int n = 0;
        for (int day = 0; day < 12; day++) {
            for (int u = 0; u < 5; u++) {
                if ((day + u) % 3 == 0) {
                    continue;
                }
                String store = STORES.get((day + u) % STORES.size());
                long xp = 10 + (u * 7 + day * 3) % 40;
                var result = ledger.credit(new Credit("u" + u, "receipt:" + store + ":R" + (n++), xp, xp, CreditKind.RECEIPT,
                        Map.of("storeId", store, "receiptId", "R" + n, "amount", xp + ".00")));
                game.onCredited(result);
                clock.advance(Duration.ofMinutes(7));
            }
            clock.advance(Duration.ofHours(20));
        }
        game.onCredited(ledger.credit(new Credit("u1", "adj:undo:1", 0, -15, CreditKind.ADJUSTMENT,
                Map.of("leaderboard", "true", "storeId", "zara"))));
        game.onCredited(ledger.credit(new Credit("u2", "adj:gift:1", 0, 999, CreditKind.ADJUSTMENT, Map.of())));
        // a returned purchase: the receipt's refund takes its XP back, in its store
        lastRefund = ledger.credit(new Credit("u4", "refund:hm:R3", -20, -20, CreditKind.RECEIPT_REFUND,
                Map.of("storeId", "hm", "receiptId", "R3", "refundId", "F1", "amount", "20.00")));
        game.onCredited(lastRefund);
    }

    CreditResult lastRefund;

    /** Every board of the game, raw: member → exact score (points and tie-break). */
    Map<String, Map<String, Double>> boards() {
        Cache cache = core.cache();
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        List<BoardPeriod> periods = new ArrayList<>();
        for (String week : List.of("2026-W48", "2026-W49", "2026-W50")) {
            periods.add(BoardPeriod.parseWeek(week));
        }
        periods.add(BoardPeriod.containing(Period.MONTH, Instant.parse("2026-11-15T00:00:00Z")));
        periods.add(BoardPeriod.containing(Period.MONTH, Instant.parse("2026-12-15T00:00:00Z")));
        periods.add(BoardPeriod.containing(Period.ALL, clock.instant()));
        for (BoardPeriod period : periods) {
            List<String> scopes = new ArrayList<>(List.of("mall"));
            STORES.forEach(s -> scopes.add("store:" + s));
            for (String scope : scopes) {
                String key = Leaderboards.scoresKey(period, scope);
                Map<String, Double> members = new LinkedHashMap<>();
                cache.sortedRangeByScore(key, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, true, 1000)
                        .forEach(m -> members.put(m.member(), m.score()));
                out.put(key, members);
            }
        }
        return out;
    }

    @Test
    void rebuildAfterFlushAll_shouldEqualTheLiveBoards() {
        // GIVEN boards fed live by the credit path
        playTwoWeeks();
        Map<String, Map<String, Double>> live = boards();
        assertTrue(live.values().stream().filter(m -> !m.isEmpty()).count() >= 15, "boards of weeks, months, stores");
        // WHEN Redis loses everything and the rebuild runs
        flushAll();
        assertTrue(boards().values().stream().allMatch(Map::isEmpty));
        var result = game.rebuild().rebuild(null, null, 7, Duration.ofMinutes(1));
        // THEN every board is back, score for score (ties included)
        assertTrue(result.complete());
        assertEquals(live, boards());
        assertTrue(result.boardsChanged() > 0);
    }

    @Test
    void lateLiveAdd_shouldNotCountTwice_whenTheRebuildHadItsCreditInTheTotal() {
        // GIVEN boards rebuilt from the totals after a FLUSHALL, the refund of the last minutes among them
        playTwoWeeks();
        Map<String, Map<String, Double>> live = boards();
        flushAll();
        game.rebuild().rebuild(null, null, 50, Duration.ofMinutes(1));
        // WHEN the refund's hook runs again (a retry of the request that made it)
        game.onCredited(lastRefund);
        // THEN the markers the rebuild recorded refuse it: every board is as it was live
        assertEquals(live, boards());
    }

    @Test
    void hiddenShopper_shouldStayOffThePublicBoard_whenRebuilt() {
        // GIVEN a shopper who hid from the public boards
        playTwoWeeks();
        game.savePreferences("u3", new Gamification.Preferences(false, null));
        flushAll();
        // WHEN the boards are rebuilt
        game.rebuild().rebuild(null, null, 50, Duration.ofMinutes(1));
        // THEN they keep their own rank, and the public list leaves them out
        var standing = game.leaderboards().standing("u3", Period.ALL, null, null);
        assertTrue(standing.rank() != null && standing.score() > 0);
        assertTrue(game.leaderboards().top(Period.ALL, null, null, 10).entries().stream()
                .noneMatch(e -> e.name().equals(Leaderboards.maskedId("u3"))));
        assertEquals(4, game.leaderboards().top(Period.ALL, null, null, 10).entries().size());
    }

    @Test
    void rebuildOfAHealthyBoard_shouldChangeNothing() {
        playTwoWeeks();
        Map<String, Map<String, Double>> live = boards();
        var result = game.rebuild().rebuild(null, null, 50, Duration.ofMinutes(1));
        assertEquals(0, result.boardsChanged());
        assertEquals(live, boards());
    }

    @Test
    void rebuildOfOnePeriod_shouldRestoreThatPeriodOnly() {
        playTwoWeeks();
        Map<String, Map<String, Double>> live = boards();
        flushAll();
        game.rebuild().rebuild(BoardPeriod.parseWeek("2026-W48"), null, 20, Duration.ofMinutes(1));
        Map<String, Map<String, Double>> rebuilt = boards();
        rebuilt.forEach((key, members) -> {
            if (key.contains("week:2026-W48")) {
                assertEquals(live.get(key), members, key);
            } else {
                assertTrue(members.isEmpty(), key);
            }
        });
    }

    @Test
    void cleanupSteps_shouldRebuildInBoundedRuns_continuingWhereTheLastStopped() {
        playTwoWeeks();
        Map<String, Map<String, Double>> live = boards();
        flushAll();
        int runs = 0;
        LeaderboardRebuild.Result step;
        do {
            step = game.rebuild().step(10);
            assertTrue(step.scanned() <= 10, "bounded: " + step.scanned());
            runs++;
        } while (!step.complete() && runs < 100);
        assertTrue(step.complete());
        assertTrue(runs > 3, "several runs: " + runs);
        assertEquals(live, boards());
        assertFalse(core.cache().get(LeaderboardRebuild.CURSOR_KEY).isPresent(), "the next run starts over");
    }
}
