package com.mallquest.core.domain.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.receipts.ReceiptResult;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.StoreSeed;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.domain.users.UserViewService;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Badges and streaks through the real receipt path, on moto_server and a real Redis. */
class GamificationTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    /** Wednesday 2026-11-25 10:00 UTC (2026-W48): neither night owl nor early bird in UTC. */
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    record Published(String userId, String type, Map<String, Object> data) { }

    final List<Published> published = Collections.synchronizedList(new ArrayList<>());
    final EffectPublisher effects = (userId, type, data) -> published.add(new Published(userId, type, data));
    MutableClock clock;
    Platform core;
    String ann;

    @BeforeEach
    void setUp() {
        core = core(Map.of());
        StoreSeed.loadWithKeys(core);
        ann = "ann-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Platform core(Map<String, String> extra) {
        clock = new MutableClock(NOW);
        Map<String, String> env = redis.environment();
        env.put("RECEIPT_RATE_LIMIT", "1000/60s");
        env.put("RECEIPT_DAILY_STORE_LIMIT", "1000"); // the fraud limits have their own tests
        env.putAll(extra);
        return TestStack.withClock(Platform.fromEnvironment(env), clock);
    }

    ReceiptResult submit(String user, String id, String store, String amount, Instant purchasedAt) {
        // signed with the store's development key, as the till would
        return (ReceiptResult) new Services(core, effects).receipts().submit(user,
                com.mallquest.core.testing.ReceiptCodes.signed(new ReceiptSubmission(id, store, new BigDecimal(amount), purchasedAt)));
    }

    Map<String, Long> badgeEffects(String user) {
        return published.stream().filter(p -> p.userId().equals(user) && p.type().equals("badge_unlocked"))
                .collect(Collectors.groupingBy(p -> (String) p.data().get("badge"), Collectors.counting()));
    }

    Set<String> earned(String user) {
        return new Services(core, effects).gamification().badges(user).earned().stream().map(Gamification.EarnedBadge::code)
                .collect(Collectors.toSet());
    }

    @Test
    void twentyParallelReceipts_shouldAwardEachBadgeExactlyOnce() throws Exception {
        // GIVEN 20 receipts of one shopper in 5 stores sent at once, 1260 XP in all (level 5 at 1000), one of 600
        List<String> stores = List.of("zara", "hm", "nike", "decathlon", "pandora");
        List<Object> outcomes = Concurrently.run(20, i -> () ->
                submit(ann, "P-" + i, stores.get(i % 5), i == 7 ? "600.00" : "35.00", NOW.minusSeconds(60 + i)));
        outcomes.forEach(o -> assertTrue(o instanceof ReceiptResult, "outcome " + o));
        // THEN every badge the week earned is stored once and announced once
        Set<String> expected = Set.of("first_receipt", "five_stores", "ten_in_a_month", "level_5", "big_basket");
        assertEquals(expected, earned(ann));
        assertEquals(expected.stream().collect(Collectors.toMap(b -> b, b -> 1L)), badgeEffects(ann));
        // AND the leaderboard has the whole score, once
        assertEquals(19 * 35 + 600, new Services(core, effects).gamification().leaderboards().standing(ann, Period.WEEK, null, null).score());
        // AND a retry of every receipt changes nothing
        published.clear();
        for (int i = 0; i < 20; i++) {
            assertTrue(submit(ann, "P-" + i, stores.get(i % 5), i == 7 ? "600.00" : "35.00", NOW.minusSeconds(60 + i)).replayed());
        }
        assertEquals(Map.of(), badgeEffects(ann));
        assertEquals(19 * 35 + 600, new Services(core, effects).gamification().leaderboards().standing(ann, Period.WEEK, null, null).score());
    }

    @Test
    void badges_shouldShowProgress_andARefundNeverTakesOneAway() {
        submit(ann, "S-1", "zara", "20.00", NOW.minusSeconds(600));
        submit(ann, "S-2", "hm", "20.00", NOW.minusSeconds(500));
        submit(ann, "S-3", "hm", "20.00", NOW.minusSeconds(400));
        Gamification game = new Services(core, effects).gamification();
        var book = game.badges(ann);
        var fiveStores = book.locked().stream().filter(b -> b.code().equals("five_stores")).findFirst().orElseThrow();
        assertEquals(2, fiveStores.progress());
        assertEquals(5, fiveStores.target());
        var month = book.locked().stream().filter(b -> b.code().equals("ten_in_a_month")).findFirst().orElseThrow();
        assertEquals(3, month.progress());
        // WHEN XP is taken back (a reversal of everything)
        game.onCredited(new Services(core).ledger().credit(new Credit(ann, "adj:undo:" + ann, 0, -60, CreditKind.ADJUSTMENT,
                Map.of("leaderboard", "true"))));
        // THEN the score drops, the badge stays
        assertEquals(0, game.leaderboards().standing(ann, Period.WEEK, null, null).score());
        assertNull(game.leaderboards().standing(ann, Period.WEEK, null, null).rank());
        assertEquals(Set.of("first_receipt"), earned(ann));
    }

    @Test
    void aReceiptRefund_shouldLowerTheLeaderboards_exactlyOnce_andKeepTheBadges() {
        // GIVEN a credited receipt of 200.00 at nike (200 XP)
        submit(ann, "F-1", "nike", "200.00", NOW.minusSeconds(600));
        Leaderboards boards = new Services(core, effects).gamification().leaderboards();
        assertEquals(200, boards.standing(ann, Period.WEEK, null, "nike").score());
        // WHEN half of it is refunded, the same refund sent twice
        var refunds = new Services(core).refunds();
        Caller admin = new Caller("root", Set.of("admin"));
        var request = new com.mallquest.core.domain.spending.RefundRequest("ret-1", new BigDecimal("100.00"));
        refunds.refund(admin, "nike", "F-1", request);
        refunds.refund(admin, "nike", "F-1", request);
        // THEN the mall's and the store's boards lose the refund's XP once; the badge stays
        assertEquals(100, boards.standing(ann, Period.WEEK, null, "nike").score());
        assertEquals(100, boards.standing(ann, Period.ALL, null, null).score());
        assertTrue(earned(ann).contains("first_receipt"));
    }

    @Test
    void streak_shouldBeRightWhenReceiptsArriveOutOfOrder() {
        // GIVEN receipts bought in W46 and W48, then one bought on Saturday of W47 submitted last
        submit(ann, "W46", "zara", "10.00", Instant.parse("2026-11-10T12:00:00Z"));
        submit(ann, "W48", "zara", "10.00", Instant.parse("2026-11-24T12:00:00Z"));
        Gamification game = new Services(core, effects).gamification();
        assertEquals(new Streak(1, 1, "2026-W48"), game.badges(ann).streak());
        submit(ann, "W47", "zara", "10.00", Instant.parse("2026-11-21T18:00:00Z"));
        // THEN three weeks in a row, and the streak badge
        assertEquals(new Streak(3, 3, "2026-W48"), game.badges(ann).streak());
        assertTrue(earned(ann).contains("three_week_streak"));
        // AND the streak lives through a week without a receipt yet, and is over after a whole one
        clock.set(Instant.parse("2026-12-06T23:59:59Z")); // Sunday of W49
        assertEquals(3, game.summary(ann).streak().current());
        clock.set(Instant.parse("2026-12-07T00:00:00Z")); // Monday of W50: W49 passed without a receipt
        assertEquals(new Streak(0, 3, "2026-W48"), game.summary(ann).streak());
    }

    @Test
    void nightOwlAndEarlyBird_shouldUseTheMallsTimeZone() {
        core = core(Map.of("MALL_TIME_ZONE", "Asia/Tokyo"));
        StoreSeed.loadWithKeys(core);
        submit(ann, "N-1", "zara", "10.00", Instant.parse("2026-11-24T13:30:00Z")); // 22:30 in Tokyo
        assertEquals(Set.of("first_receipt", "night_owl"), earned(ann));
        submit(ann, "E-1", "zara", "10.00", Instant.parse("2026-11-24T21:30:00Z")); // 06:30 in Tokyo
        assertEquals(Set.of("first_receipt", "night_owl", "early_bird"), earned(ann));
    }

    @Test
    void userView_shouldShowBadgeCountNewestAndStreak_evenWhenTheViewIsCached() {
        submit(ann, "V-1", "zara", "10.00", NOW.minusSeconds(60));
        UserViewService users = new Services(core).users();
        Caller caller = new Caller(ann, Set.of());
        var first = users.view(caller, ann);
        assertEquals(1, first.gamification().badgeCount());
        assertEquals("first_receipt", first.gamification().newestBadge().code());
        assertEquals(1, first.gamification().streak().current());
        // WHEN a badge is awarded by something that does not write the ledger profile
        clock.advance(Duration.ofSeconds(5));
        new PlayerRecords(core.dynamoDb(), core.settings().usersTable()).award(ann, Badge.BIG_BASKET, clock.instant());
        // THEN the next view shows it, whether or not the rest comes from the cache
        var second = users.view(caller, ann);
        assertTrue(second.cache().hit());
        assertEquals(2, second.gamification().badgeCount());
        assertEquals("big_basket", second.gamification().newestBadge().code());
    }
}
