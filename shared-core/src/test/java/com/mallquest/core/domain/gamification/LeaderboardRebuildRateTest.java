package com.mallquest.core.domain.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.TestCores;
import com.mallquest.local.testsupport.RedisMeter;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How fast the rebuild restores the boards after a {@code FLUSHALL}, on the DynamoDB-API emulator of the tests and
 * a redis-server of this class's own: shoppers per second, printed as a {@code LEADERBOARD-REBUILD} line (the
 * figure docs/capacity.md extrapolates to 2 million shoppers).
 */
class LeaderboardRebuildRateTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    static final EffectPublisher NO_EFFECTS = (userId, type, data) -> { };
    static final int SHOPPERS = 50;
    static final int CREDITS_EACH = 4;

    @Test
    void rebuild_shouldRestoreEveryShopper_andReportItsRate() {
        // GIVEN 50 shoppers with 4 receipts each, then the boards wiped
        MutableClock clock = new MutableClock(Instant.parse("2026-11-02T08:00:00Z"));
        Platform core = TestCores.withClock(Platform.fromEnvironment(redis.environment()), clock);
        Services services = new Services(core, NO_EFFECTS);
        Ledger ledger = services.ledger();
        Leaderboards boards = services.gamification().leaderboards();
        for (int c = 0; c < CREDITS_EACH; c++) {
            for (int s = 0; s < SHOPPERS; s++) {
                String store = "store-" + (s + c) % 5;
                boards.add(Gamification.points("shopper-" + s, "receipt:" + store + ":" + c + "-" + s, CreditKind.RECEIPT,
                        10, ledger.credit(new Credit("shopper-" + s, "receipt:" + store + ":" + c + "-" + s, 20, 10,
                                CreditKind.RECEIPT, Map.of("storeId", store))).creditedAt(), Map.of("storeId", store))
                        .orElseThrow());
            }
            clock.advance(Duration.ofHours(20));
        }
        RedisMeter.of(redis.server()).call("FLUSHALL");

        // WHEN the whole table is rebuilt
        long start = System.nanoTime();
        var result = services.gamification().rebuild().rebuild(null, null, 100, Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;

        // THEN every shopper is back with all their points, and the rate is printed
        assertTrue(result.complete());
        BoardPeriod allTime = BoardPeriod.containing(Period.ALL, clock.instant());
        assertEquals(SHOPPERS, core.cache().sortedSize(Leaderboards.scoresKey(allTime, "mall")));
        assertEquals(10L * CREDITS_EACH, boards.standing("shopper-7", Period.ALL, null, null).score());
        System.out.printf("LEADERBOARD-REBUILD %d shoppers x %d credits: %d items scanned, %d entries, %d scores set "
                        + "in %.1f s = %.0f shoppers/s; 2,000,000 shoppers at this rate: %.1f h%n", SHOPPERS,
                CREDITS_EACH, result.scanned(), result.entries(), result.boardsChanged(), seconds, SHOPPERS / seconds,
                2_000_000 / (SHOPPERS / seconds) / 3600);
    }
}
