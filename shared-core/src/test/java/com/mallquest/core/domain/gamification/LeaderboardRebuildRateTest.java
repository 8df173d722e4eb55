package com.mallquest.core.domain.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.ledger.ActivityScanner;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditIncompleteException;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisMeter;
import com.mallquest.local.testsupport.RedisServer;
import com.mallquest.local.testsupport.RedisWork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How fast the rebuild restores the boards from the period totals after a {@code FLUSHALL}, on the DynamoDB-API
 * emulator of the tests and a redis-server of this class's own: items (one per shopper and period) and shoppers per
 * second, printed as {@code LEADERBOARD-REBUILD} lines (the figures docs/capacity.md extrapolates to 2 million
 * shoppers). {@code -Dmallquest.rebuild.shoppers=2000} measures more shoppers than the suite's default 40 (moto:
 * seeding 2,000 credits takes minutes, each transaction copying the table).
 */
class LeaderboardRebuildRateTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    static final EffectPublisher NO_EFFECTS = (userId, type, data) -> { };
    static final int SHOPPERS = Integer.getInteger("mallquest.rebuild.shoppers", 40);
    static final int SEEDERS = 2;

    @Test
    void rebuild_shouldRestoreEveryShopper_andReportItsRate() throws Exception {
        // GIVEN shoppers with a receipt each, a day old (within the marker window), then the boards wiped
        MutableClock clock = new MutableClock(Instant.parse("2026-11-04T08:00:00Z"));
        Platform core = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        Services services = new Services(core, NO_EFFECTS);
        Ledger ledger = services.ledger();
        List<Object> seeded = Concurrently.run(SEEDERS, t -> () -> {
            for (int s = t; s < SHOPPERS; s += SEEDERS) {
                String store = "store-" + s % 5;
                Credit credit = new Credit("shopper-" + s, "receipt:" + store + ":" + s, 20, 10, CreditKind.RECEIPT,
                        Map.of("storeId", store));
                for (int tries = 1; ; tries++) { // the same credit again: applied once whatever a slow emulator did
                    try {
                        ledger.credit(credit);
                        break;
                    } catch (CreditIncompleteException e) {
                        if (tries == 5) {
                            throw e;
                        }
                    }
                }
                if (s % 250 == 0) {
                    System.out.printf("LEADERBOARD-REBUILD seeding: shopper %d of %d%n", s, SHOPPERS);
                }
            }
            return "seeded";
        });
        seeded.forEach(outcome -> assertEquals("seeded", outcome, String.valueOf(outcome)));
        clock.advance(Duration.ofDays(1));
        RedisMeter.of(redis.server()).call("FLUSHALL");

        // WHEN the shoppers' periods (their week, month and all time) are rebuilt, every shopper needing the markers
        // of their recent receipt, two shards at a time (the emulator serves one request at a time)
        LeaderboardRebuild rebuild = new LeaderboardRebuild(
                new PeriodTotals(core.dynamoDb(), core.settings().usersTable(), Leaderboards.Retention.from(core.settings())),
                new ActivityScanner(core.dynamoDb(), core.settings().usersTable()), services.gamification().leaderboards(),
                core.cache(), clock, 2);
        List<BoardPeriod> periods = List.of(BoardPeriod.parseWeek("2026-W45"),
                BoardPeriod.containing(Period.MONTH, clock.instant()), BoardPeriod.containing(Period.ALL, clock.instant()));
        RedisWork timing = RedisWork.start(redis.server(), false);
        long start = System.nanoTime();
        LeaderboardRebuild.Result recent = rebuildAll(rebuild, periods);
        double recentSeconds = (System.nanoTime() - start) / 1e9;
        RedisWork.Done timed = timing.stop();
        // AND again a week later, when no shopper was credited within the marker window
        clock.advance(Duration.ofDays(7));
        RedisMeter.of(redis.server()).call("FLUSHALL");
        RedisWork counting = RedisWork.start(redis.server(), true); // the same Redis work, its commands counted
        start = System.nanoTime();
        LeaderboardRebuild.Result quiet = rebuildAll(rebuild, periods);
        double quietSeconds = (System.nanoTime() - start) / 1e9;
        RedisWork.Done counted = counting.stop();

        // THEN every shopper is back with all their points, and the rates are printed
        BoardPeriod allTime = BoardPeriod.containing(Period.ALL, clock.instant());
        assertEquals(SHOPPERS, core.cache().sortedSize(Leaderboards.scoresKey(allTime, "mall")));
        assertEquals(10L, services.gamification().leaderboards().standing("shopper-7", Period.ALL, null, null).score());
        assertEquals(3 * SHOPPERS, recent.scanned(), "one item per shopper and period: week, month, all time");
        assertEquals(3 * SHOPPERS, recent.entries(), "each shopper's recent receipt, read for the markers of each period");
        assertEquals(0, quiet.entries());
        print("credited within the marker window", recent, recentSeconds);
        print("none credited within the marker window", quiet, quietSeconds);
        System.out.printf("LEADERBOARD-REBUILD-ECPU %d shoppers: %d commands sent (their scripts ran %d more), %.0f "
                        + "bytes, %.1f ECPU a shopper (all periods); by command a shopper: %s%n", SHOPPERS,
                counted.calls(), counted.scriptCommands(), (double) timed.bytes(),
                RedisWork.ecpuPerOperation(counted, SHOPPERS, timed, SHOPPERS), RedisWork.byCommand(counted, SHOPPERS, timed));
    }

    private static LeaderboardRebuild.Result rebuildAll(LeaderboardRebuild rebuild, List<BoardPeriod> periods) {
        int scanned = 0;
        int entries = 0;
        int changed = 0;
        for (BoardPeriod period : periods) {
            LeaderboardRebuild.Result r = rebuild.rebuild(period, null, 1_000, Duration.ofMinutes(30));
            assertTrue(r.complete());
            scanned += r.scanned();
            entries += r.entries();
            changed += r.boardsChanged();
        }
        return new LeaderboardRebuild.Result(scanned, entries, changed, null);
    }

    private static void print(String what, LeaderboardRebuild.Result result, double seconds) {
        System.out.printf("LEADERBOARD-REBUILD %d shoppers, %s: %d totals items read (shopper x period), %d activity "
                        + "entries, %d scores set, in %.1f s = %.0f items/s, %.0f shoppers/s; 2,000,000 shoppers at "
                        + "this rate: %.2f h%n", SHOPPERS, what, result.scanned(), result.entries(),
                result.boardsChanged(), seconds, result.scanned() / seconds, SHOPPERS / seconds,
                2_000_000 / (SHOPPERS / seconds) / 3600);
    }
}
