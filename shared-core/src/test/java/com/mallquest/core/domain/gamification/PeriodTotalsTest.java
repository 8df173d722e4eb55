package com.mallquest.core.domain.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.ActivityScanner;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The period totals are written exactly once per credit, in the credit's transaction, on moto_server. */
class PeriodTotalsTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    static final EffectPublisher NO_EFFECTS = (userId, type, data) -> { };
    /** Sunday of 2026-W48, in November; then Tuesday of 2026-W49, in December. */
    static final Instant SUNDAY = Instant.parse("2026-11-29T23:00:00Z");
    static final Instant TUESDAY = Instant.parse("2026-12-01T10:00:00Z");
    static final List<String> STORES = List.of("zara", "hm");

    MutableClock clock;
    Platform core;
    Ledger ledger;
    PeriodTotals totals;
    String run;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(SUNDAY);
        core = TestStack.withClock(Platform.fromEnvironment(redis.environment()), clock);
        ledger = new Services(core, NO_EFFECTS).ledger();
        totals = new PeriodTotals(core.dynamoDb(), core.settings().usersTable(),
                Leaderboards.Retention.from(core.settings()));
        run = UUID.randomUUID().toString().substring(0, 6);
    }

    /** The same credit id always means the same amounts: credit {@code k} of a shopper. */
    Credit credit(String userId, int k) {
        String store = STORES.get(k % STORES.size());
        long xp = 5 + (k * 7) % 23;
        return k % 5 == 4
                ? new Credit(userId, "refund:" + store + ":R" + (k - 1), -xp, -xp, CreditKind.RECEIPT_REFUND,
                        Map.of("storeId", store))
                : new Credit(userId, "receipt:" + store + ":R" + k, xp, xp, CreditKind.RECEIPT, Map.of("storeId", store));
    }

    @Test
    void totals_shouldEqualTheSumOfCreditedActivity_whenCreditsRaceAndReplay() throws Exception {
        List<String> shoppers = List.of("p-" + run + "-a", "p-" + run + "-b", "p-" + run + "-c");
        for (Instant day : List.of(SUNDAY, TUESDAY)) {
            clock.set(day);
            int base = day == SUNDAY ? 0 : 10;
            // GIVEN 9 threads at once, three per shopper, each crediting the same 10 credit ids (receipts and
            // refunds): every credit raced by two duplicates, then every one of them replayed once more
            List<Object> outcomes = Concurrently.run(9, i -> () -> {
                String userId = shoppers.get(i % 3);
                for (int k = base; k < base + 10; k++) {
                    ledger.credit(credit(userId, k));
                }
                for (int k = base; k < base + 10; k++) {
                    assertFalse(ledger.credit(credit(userId, k)).applied(), "a replay");
                }
                return "done";
            });
            outcomes.forEach(o -> assertEquals("done", o, String.valueOf(o)));
        }
        // AND an adjustment that is not for the leaderboards adds to no total
        ledger.credit(new Credit(shoppers.get(0), "adj:gift:" + run, 0, 500, CreditKind.ADJUSTMENT, Map.of()));

        // WHEN the totals of every period are read from the GSI, one item per shopper and period
        // THEN each equals the sum of the shopper's activity entries in that period, store by store
        ActivityScanner activity = new ActivityScanner(core.dynamoDb(), core.settings().usersTable());
        for (String userId : shoppers) {
            assertEquals(userId.equals(shoppers.get(0)) ? 21 : 20, activity.entriesOf(userId).size(), "each credit once");
            assertTotalsMatchActivity(userId);
        }
    }

    @Test
    void backfill_shouldSetTheTotalsOfCreditsMadeBeforeThem_andNeverAddTwice() {
        // GIVEN credits made by the release before the totals (a ledger without them), then one with them
        String userId = "p-" + run + "-old";
        Ledger older = new Ledger(core.dynamoDb(), core.settings().usersTable(), core.cache(), clock);
        for (int k = 0; k < 6; k++) {
            older.credit(credit(userId, k));
        }
        clock.set(TUESDAY);
        ledger.credit(credit(userId, 10));
        assertEquals(List.of(), readAll(BoardPeriod.parseWeek("2026-W48")).stream()
                .filter(t -> t.userId().equals(userId)).toList(), "no totals for the older credits yet");
        // WHEN the backfill runs over the table, twice, and a credit comes after it
        Gamification game = new Services(core, NO_EFFECTS).gamification();
        var first = game.backfill().run(null, 25, java.time.Duration.ofMinutes(2));
        game.backfill().run(null, 25, java.time.Duration.ofMinutes(2));
        ledger.credit(credit(userId, 11));
        // THEN every period's totals equal the sum of the activity: set once from history, then added to by credits
        assertTrue(first.cursor() == null && first.shoppers() >= 1 && first.items() >= 5, first.toMap().toString());
        assertTotalsMatchActivity(userId);
    }

    /** Every period's totals of {@code userId} equal the sums of their activity entries in it, store by store. */
    void assertTotalsMatchActivity(String userId) {
        ActivityScanner activity = new ActivityScanner(core.dynamoDb(), core.settings().usersTable());
        List<ActivityEntry> entries = activity.entriesOf(userId);
        List<BoardPeriod> boards = List.of(BoardPeriod.parseWeek("2026-W48"), BoardPeriod.parseWeek("2026-W49"),
                BoardPeriod.containing(Period.MONTH, SUNDAY), BoardPeriod.containing(Period.MONTH, TUESDAY),
                BoardPeriod.containing(Period.ALL, TUESDAY));
        for (BoardPeriod board : boards) {
            Map<String, Long> expected = new TreeMap<>();
            for (ActivityEntry e : entries) {
                Gamification.points(userId, e.creditId(), e.kind(), e.xp(), e.at(), e.details())
                        .filter(p -> board.contains(p.at())).ifPresent(p -> {
                            expected.merge("mall", p.points(), Long::sum);
                            expected.merge("store:" + p.storeId(), p.points(), Long::sum);
                        });
            }
            Map<String, Long> found = new TreeMap<>();
            readAll(board).stream().filter(t -> t.userId().equals(userId)).forEach(t ->
                    t.scopes().forEach((scope, total) -> found.put(scope, total.points())));
            assertEquals(expected, found, board.label() + " " + userId);
        }
    }

    @Test
    void totals_shouldNotBeWritten_whenACreditHasNoLeaderboardPoints() {
        // GIVEN a shopper
        String userId = "p-" + run + "-none";
        // WHEN they get a credit of coins only and an adjustment not meant for the boards
        ledger.credit(new Credit(userId, "receipt:zara:R0", 100, 0, CreditKind.RECEIPT, Map.of("storeId", "zara")));
        CreditResult r = ledger.credit(new Credit(userId, "adj:x:" + run, 0, 40, CreditKind.ADJUSTMENT, Map.of()));
        assertTrue(r.applied());
        // THEN no period has a total for the shopper
        assertTrue(readAll(BoardPeriod.containing(Period.ALL, SUNDAY)).stream().noneMatch(t -> t.userId().equals(userId)));
    }

    @Test
    void rebuild_shouldRefuseACursor_whenItDidNotWriteIt() {
        // GIVEN a cursor of another shape ("not-a-cursor" in base64url)
        var rebuild = new Services(core, NO_EFFECTS).gamification().rebuild();
        // WHEN / THEN the rebuild refuses it rather than start anywhere
        assertThrows(IllegalArgumentException.class,
                () -> rebuild.rebuild(null, "bm90LWEtY3Vyc29y", 10, java.time.Duration.ofSeconds(5)));
    }

    /** Every item of one period, every shard, a small page at a time. */
    List<PeriodTotals.Totals> readAll(BoardPeriod board) {
        List<PeriodTotals.Totals> all = new ArrayList<>();
        for (int shard = 0; shard < PeriodTotals.SHARDS; shard++) {
            String after = null;
            do {
                PeriodTotals.Page page = totals.page(board, shard, after, 2);
                all.addAll(page.totals());
                after = page.after();
            } while (after != null);
        }
        return all;
    }
}
