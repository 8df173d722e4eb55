package com.mallquest.core.domain.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisMeter;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leaderboards' markers on a redis-server of this class's own: bounded by a window, never a reason to count a
 * credit twice, and what they cost ({@code MEMORY USAGE} of the {@code mq:lb:} keys, {@code INFO memory}). The
 * figures it prints (lines starting {@code LEADERBOARD-MEMORY}) are those of docs/capacity.md:
 * {@code mvn -q -pl shared-core -am test -Dtest=LeaderboardMarkersTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class LeaderboardMarkersTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    static final EffectPublisher NO_EFFECTS = (userId, type, data) -> { };

    MutableClock clock;
    Platform core;
    Leaderboards boards;
    RedisMeter meter;

    @BeforeEach
    void setUp() {
        meter = RedisMeter.of(redis.server());
        meter.call("FLUSHALL");
        clock = new MutableClock(Instant.parse("2026-11-02T00:00:00Z")); // Monday of 2026-W45
        core = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        boards = new Services(core, NO_EFFECTS).gamification().leaderboards();
    }

    /** Bytes of the leaderboard keys whose name starts with {@code prefix} ({@code MEMORY USAGE}, summed). */
    long bytes(String prefix) {
        String keys = meter.call("KEYS", prefix + "*");
        if (keys == null || keys.isEmpty()) {
            return 0;
        }
        return Arrays.stream(keys.split("\n")).mapToLong(meter::memoryUsage).sum();
    }

    Leaderboards.Points credit(String user, int n) {
        return new Leaderboards.Points(user, "receipt:zara:" + n, 10, clock.instant(), "zara");
    }

    @Test
    void allTimeBoard_shouldStopGrowing_whenOneShoppersCreditsPassTheMarkerWindow() {
        // GIVEN one shopper with a receipt every hour in one store: 1,000 credits over 41 days
        long allTimeAt200 = 0;
        long usedBefore = meter.usedMemory();
        for (int i = 1; i <= 1_000; i++) {
            boards.add(credit("shopper-0001", i));
            if (i == 200) {
                allTimeAt200 = bytes("mq:lb:{all:");
            }
            clock.advance(Duration.ofHours(1));
        }
        long allTimeAt1000 = bytes("mq:lb:{all:");
        long everyBoard = bytes("mq:lb:");
        System.out.printf("LEADERBOARD-MEMORY one shopper, 1,000 credits (1 per hour, one store): all-time boards %d B "
                        + "after 200 credits, %d B after 1,000; every board (6 weeks, 2 months, all time) %d B; "
                        + "used_memory +%d B%n", allTimeAt200, allTimeAt1000, everyBoard, meter.usedMemory() - usedBefore);
        // THEN the all-time boards hold the last week's markers, not history: 800 more credits cost nothing
        assertTrue(allTimeAt1000 - allTimeAt200 < 2_048,
                "all-time boards grew by " + (allTimeAt1000 - allTimeAt200) + " B over 800 credits");
    }

    @Test
    void boards_perShopper_whenAThousandShoppersCreditOnce() {
        // GIVEN 1,000 shoppers with one receipt each in one store (6 boards each: week, month, all; mall and store)
        long usedBefore = meter.usedMemory();
        for (int i = 1; i <= 1_000; i++) {
            boards.add(credit(String.format("shopper-%04d-0000-0000-000000000000", i), i));
        }
        long withMarkers = bytes("mq:lb:");
        long used = meter.usedMemory() - usedBefore;
        // WHEN the window has passed and the board is touched again (markers older than the window are dropped)
        clock.advance(Leaderboards.MARKER_WINDOW.plusHours(1));
        boards.add(credit("shopper-late-0000-0000-000000000000", 0));
        long allTimeAfter = bytes("mq:lb:{all:");
        System.out.printf("LEADERBOARD-MEMORY 1,000 shoppers x 1 credit (36-char ids): every board %d B = %d B per "
                        + "shopper (used_memory +%d B = %d B per shopper); all-time boards after the window %d B = "
                        + "%d B per shopper%n", withMarkers, withMarkers / 1_000, used, used / 1_000,
                allTimeAfter, allTimeAfter / 1_001);
        // THEN every shopper is on the boards, and what stays per shopper is a score and a sentinel per board
        // (about 140 B each for a 36-character id in a sorted set this size)
        assertEquals(1_001, core.cache().sortedSize(Leaderboards.scoresKey(
                BoardPeriod.containing(Period.ALL, clock.instant()), "mall")));
        assertTrue(allTimeAfter / 1_001 < 640, "all-time bytes per shopper: " + allTimeAfter / 1_001);
    }

    @Test
    void aReplay_shouldNeverCountAgain_whenTheMarkersWereDeletedButTheScoresStayed() {
        // GIVEN a credit on every board
        var ledger = new Services(core).ledger();
        Gamification game = new Services(core, NO_EFFECTS).gamification();
        CreditResult first = ledger.credit(new Credit("ann", "receipt:zara:R1", 60, 30, CreditKind.RECEIPT,
                Map.of("storeId", "zara", "receiptId", "R1", "amount", "30.00")));
        game.onCredited(first);
        assertEquals(30, boards.standing("ann", Period.WEEK, null, null).score());
        // WHEN every marker key is deleted (a partial wipe; eviction alike) and the hook runs again, 20 times
        for (String key : meter.call("KEYS", "mq:lb:*").split("\n")) {
            if (!key.endsWith(":scores")) {
                meter.call("DEL", key);
            }
        }
        for (int i = 0; i < 20; i++) {
            game.onCredited(ledger.credit(first.credit()));
        }
        // THEN every board still counts it once
        for (Period period : Period.values()) {
            assertEquals(30, boards.standing("ann", period, null, null).score(), period.wireName());
            assertEquals(30, boards.standing("ann", period, null, "zara").score(), period.wireName() + " zara");
        }
    }
}
