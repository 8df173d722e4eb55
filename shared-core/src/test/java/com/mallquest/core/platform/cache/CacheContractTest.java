package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mallquest.core.platform.cache.Cache.ScoredMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Cache} adapter must have. Each adapter's test extends this class and says how
 * to build the cache; the same tests then run against memory, Redis standalone, TLS, cluster and the fallback.
 */
abstract class CacheContractTest {
    static final Duration LONG = Duration.ofMinutes(5);
    /** Short TTLs are checked after twice their length: slack for a busy machine. */
    static final Duration SHORT = Duration.ofMillis(400);

    Cache cache;
    /** A tag unique to this test, so tests sharing a server never see each other's keys. */
    String tag;

    /** The adapter under test; called once per test. */
    abstract Cache newCache();

    @BeforeEach
    void createCache() {
        cache = newCache();
        tag = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    String key(String name) {
        return CacheKeys.build("contract", tag, name);
    }

    static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Test
    void get_shouldReturnWhatWasSet_andEmptyWhenAbsent() {
        // GIVEN a value set under one key
        cache.set(key("a"), "alpha", LONG);
        // WHEN both that key and another are read
        // THEN the set key returns its value and the other is empty
        assertEquals(Optional.of("alpha"), cache.get(key("a")));
        assertEquals(Optional.empty(), cache.get(key("missing")));
    }

    @Test
    void set_shouldReplaceTheValue_whenSetAgain() {
        cache.set(key("a"), "one", LONG);
        cache.set(key("a"), "two", LONG);
        assertEquals(Optional.of("two"), cache.get(key("a")));
    }

    @Test
    void set_shouldExpire_afterItsTtl() throws InterruptedException {
        // GIVEN a short-lived value and a long-lived one
        cache.set(key("short"), "v", SHORT);
        cache.set(key("long"), "v", LONG);
        // WHEN the short TTL has passed
        sleep(SHORT.multipliedBy(2));
        // THEN only the long-lived value remains
        assertEquals(Optional.empty(), cache.get(key("short")));
        assertEquals(Optional.of("v"), cache.get(key("long")));
    }

    @Test
    void setIfAbsent_shouldSetOnce_andAgainOnlyAfterExpiry() throws InterruptedException {
        // GIVEN a key set if absent
        assertTrue(cache.setIfAbsent(key("lock"), "first", SHORT));
        // WHEN it is set if absent again
        // THEN the second call does not set it and the first value stays
        assertFalse(cache.setIfAbsent(key("lock"), "second", SHORT));
        assertEquals(Optional.of("first"), cache.get(key("lock")));
        // AND once it has expired it can be set again
        sleep(SHORT.multipliedBy(2));
        assertTrue(cache.setIfAbsent(key("lock"), "third", LONG));
        assertEquals(Optional.of("third"), cache.get(key("lock")));
    }

    @Test
    void delete_shouldRemoveOnlyThatKey() {
        cache.set(key("a"), "1", LONG);
        cache.set(key("b"), "2", LONG);
        cache.delete(key("a"));
        cache.delete(key("never-set")); // no error for an absent key
        assertEquals(Optional.empty(), cache.get(key("a")));
        assertEquals(Optional.of("2"), cache.get(key("b")));
    }

    @Test
    void increment_shouldCountEveryConcurrentCall() throws Exception {
        // GIVEN 4 threads incrementing one counter 50 times each
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        cache.increment(key("counter"), 1, LONG);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // THEN no increment is lost, and deltas other than 1 add up
        assertEquals(205, cache.increment(key("counter"), 5, LONG));
        assertEquals(195, cache.increment(key("counter"), -10, LONG));
        assertEquals(Optional.of("195"), cache.get(key("counter")));
    }

    @Test
    void increment_shouldExpireFromCreation_notFromTheLastIncrement() throws InterruptedException {
        // GIVEN a counter created with a short TTL
        assertEquals(1, cache.increment(key("window"), 1, SHORT));
        // WHEN it is incremented again before expiry (with a long TTL that must not extend it)
        sleep(SHORT.dividedBy(2));
        assertEquals(2, cache.increment(key("window"), 1, LONG));
        // THEN it still expires at the first TTL and counting restarts
        sleep(SHORT.multipliedBy(3).dividedBy(2));
        assertEquals(Optional.empty(), cache.get(key("window")));
        assertEquals(1, cache.increment(key("window"), 1, SHORT));
    }

    @Test
    void hashIncrement_shouldCountPerField() {
        assertEquals(3, cache.hashIncrement(key("h"), "receipts", 3, LONG));
        assertEquals(5, cache.hashIncrement(key("h"), "receipts", 2, LONG));
        assertEquals(-1, cache.hashIncrement(key("h"), "errors", -1, LONG));
        assertEquals(Map.of("receipts", "5", "errors", "-1"), cache.hashGetAll(key("h")));
        assertEquals(Map.of(), cache.hashGetAll(key("absent")));
    }

    @Test
    void hashIncrementAll_shouldAddEveryField_andExpireFromCreation() throws InterruptedException {
        // GIVEN a hash with one field / WHEN several fields are added at once, twice
        cache.hashIncrement(key("hm"), "a", 1, SHORT);
        cache.hashIncrementAll(key("hm"), Map.of("a", 2L, "b", 5L), LONG);
        cache.hashIncrementAll(key("hm"), Map.of("b", -1L, "c", 7L), LONG);
        // THEN every field holds its sum, and the expiry set at creation is kept (not extended)
        assertEquals(Map.of("a", "3", "b", "4", "c", "7"), cache.hashGetAll(key("hm")));
        sleep(SHORT.multipliedBy(2));
        assertEquals(Map.of(), cache.hashGetAll(key("hm")));
    }

    @Test
    void hashIncrement_shouldExpireFromCreation() throws InterruptedException {
        cache.hashIncrement(key("h"), "f", 1, SHORT);
        sleep(SHORT.dividedBy(2));
        cache.hashIncrement(key("h"), "f", 1, LONG); // does not extend
        sleep(SHORT.multipliedBy(3).dividedBy(2));
        assertEquals(Map.of(), cache.hashGetAll(key("h")));
    }

    @Test
    void sortedRangeByScore_shouldOrderFilterAndLimit() {
        // GIVEN five scored members, one re-scored
        String z = key("z");
        cache.sortedAdd(z, 10, "a", LONG);
        cache.sortedAdd(z, 20, "b", LONG);
        cache.sortedAdd(z, 30, "c", LONG);
        cache.sortedAdd(z, 40, "d", LONG);
        cache.sortedAdd(z, 1, "e", LONG);
        cache.sortedAdd(z, 50, "e", LONG); // re-score, not a new member
        // THEN ranges come in score order, within bounds (inclusive), limited
        assertEquals(5, cache.sortedSize(z));
        assertEquals(List.of(new ScoredMember("b", 20), new ScoredMember("c", 30), new ScoredMember("d", 40)),
                cache.sortedRangeByScore(z, 20, 40, false, 10));
        assertEquals(List.of(new ScoredMember("e", 50), new ScoredMember("d", 40)),
                cache.sortedRangeByScore(z, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, true, 2));
        assertEquals(List.of(), cache.sortedRangeByScore(key("absent"), 0, 100, true, 10));
        assertEquals(0, cache.sortedSize(key("absent")));
    }

    @Test
    void sortedRemoveByScore_shouldRemoveTheInclusiveRange() {
        String z = key("z");
        for (int i = 1; i <= 5; i++) {
            cache.sortedAdd(z, i, "m" + i, LONG);
        }
        assertEquals(3, cache.sortedRemoveByScore(z, 2, 4));
        assertEquals(List.of(new ScoredMember("m1", 1), new ScoredMember("m5", 5)),
                cache.sortedRangeByScore(z, 0, 10, false, 10));
        assertEquals(0, cache.sortedRemoveByScore(key("absent"), 0, 10));
    }

    @Test
    void sortedRemove_shouldRemoveTheGivenMembers_andCountOnlyThosePresent() {
        String z = key("z");
        cache.sortedAdd(z, 1, "a", LONG);
        cache.sortedAdd(z, 2, "b", LONG);
        cache.sortedAdd(z, 3, "c", LONG);
        assertEquals(2, cache.sortedRemove(z, List.of("a", "c", "not-there")));
        assertEquals(List.of(new ScoredMember("b", 2)), cache.sortedRangeByScore(z, 0, 10, false, 10));
        assertEquals(0, cache.sortedRemove(z, List.of()));
        assertEquals(0, cache.sortedRemove(key("absent"), List.of("a")));
    }

    @Test
    void sortedKeepHighest_shouldRemoveTheLowestBeyondTheLimit() {
        // GIVEN 6 members
        String z = key("z");
        for (int i = 1; i <= 6; i++) {
            cache.sortedAdd(z, i * 1.5, "m" + i, LONG);
        }
        // WHEN the 4 highest are kept
        // THEN the 2 lowest are removed, and keeping more than there are removes nothing
        assertEquals(2, cache.sortedKeepHighest(z, 4));
        assertEquals(List.of("m6", "m5", "m4", "m3"),
                cache.sortedRangeByScore(z, 0, 100, true, 10).stream().map(ScoredMember::member).toList());
        assertEquals(0, cache.sortedKeepHighest(z, 10));
        assertEquals(4, cache.sortedKeepHighest(z, 0));
        assertEquals(0, cache.sortedSize(z));
        assertEquals(0, cache.sortedKeepHighest(key("absent"), 1));
    }

    @Test
    void sortedAdd_shouldExpireTheSet_afterTheLastAddsTtl() throws InterruptedException {
        String z = key("z");
        cache.sortedAdd(z, 1, "a", SHORT);
        sleep(SHORT.multipliedBy(2));
        assertEquals(0, cache.sortedSize(z));
        // each add sets the expiry from now: a later long add keeps the set alive
        cache.sortedAdd(z, 1, "a", SHORT);
        cache.sortedAdd(z, 2, "b", LONG);
        sleep(SHORT.multipliedBy(2));
        assertEquals(2, cache.sortedSize(z));
    }

    @Test
    void deleteByPrefix_shouldDeleteEveryMatchingKey_acrossHashTags_andNothingElse() {
        // GIVEN 60 keys under one prefix but each with its own hash tag (so, in a cluster, spread over every node),
        // of every type, and keys outside the prefix
        String prefix = CacheKeys.PREFIX + "contract-" + tag + ":";
        for (int i = 0; i < 60; i++) {
            String k = prefix + "{user" + i + "}:view";
            switch (i % 3) {
                case 0 -> cache.set(k, "v", LONG);
                case 1 -> cache.increment(k, 1, LONG);
                default -> cache.sortedAdd(k, 1, "m", LONG);
            }
        }
        String outside = CacheKeys.PREFIX + "contract-" + tag + "-other:{user1}:view";
        cache.set(outside, "keep", LONG);
        // WHEN the prefix is deleted
        long deleted = cache.deleteByPrefix(prefix);
        // THEN all 60 are gone, the outside key stays, and a second delete finds nothing
        assertEquals(60, deleted);
        for (int i = 0; i < 60; i += 7) {
            assertEquals(Optional.empty(), cache.get(prefix + "{user" + i + "}:view"));
        }
        assertEquals(Optional.of("keep"), cache.get(outside));
        assertEquals(0, cache.deleteByPrefix(prefix));
    }

    @Test
    void deleteByPrefix_shouldMatchGlobCharactersLiterally() {
        // GIVEN keys that a glob pattern "a*" would match, but only one literally starts with "a*"
        cache.set(key("a*1"), "literal", LONG);
        cache.set(key("ab"), "other", LONG);
        cache.set(key("a?"), "other", LONG);
        // WHEN deleting by the prefix containing '*'
        assertEquals(1, cache.deleteByPrefix(key("a*")));
        // THEN only the literal match is gone
        assertEquals(Optional.empty(), cache.get(key("a*1")));
        assertEquals(Optional.of("other"), cache.get(key("ab")));
        assertEquals(Optional.of("other"), cache.get(key("a?")));
    }

    @Test
    void stats_shouldCountHitsAndMissesOfGet() {
        CacheStats before = cache.stats();
        cache.set(key("a"), "1", LONG);
        cache.get(key("a"));
        cache.get(key("a"));
        cache.get(key("b"));
        assertEquals(new CacheStats(2, 1), cache.stats().minus(before));
    }

    @Test
    void sortedScoreAndRank_shouldDescribeOneMember_andBeEmptyWhenAbsent() {
        String z = key("z");
        cache.sortedAdd(z, 1, "low", LONG);
        cache.sortedAdd(z, 9, "high", LONG);
        assertEquals(Optional.of(9.0), cache.sortedScore(z, "high"));
        assertEquals(Optional.of(0L), cache.sortedRankDescending(z, "high"));
        assertEquals(Optional.of(1L), cache.sortedRankDescending(z, "low"));
        assertEquals(Optional.empty(), cache.sortedScore(z, "nobody"));
        assertEquals(Optional.empty(), cache.sortedRankDescending(key("absent"), "high"));
    }

    /** When the additions of the ranked-set tests happened, and where their markers' window starts. */
    static final java.time.Instant MARKED = java.time.Instant.now();
    static final java.time.Instant FROM = MARKED.minus(java.time.Duration.ofDays(7));

    @Test
    void rankedAddOnce_shouldNeverCountAgain_whenTheMarkersVanishedButTheScoreDidNot() {
        // GIVEN a counted addition
        String board = key("board");
        String markers = key("board-markers");
        java.time.Instant expireAt = java.time.Instant.now().plus(LONG);
        assertTrue(cache.rankedAddOnce(board, markers, "c1", "ann", 5, 1, MARKED, FROM, expireAt));
        // WHEN the markers alone are lost (evicted, deleted) and the addition is replayed, or ann has a new one
        cache.delete(markers);
        // THEN both are refused: a score without markers is for the rebuild, never counted again
        assertFalse(cache.rankedAddOnce(board, markers, "c1", "ann", 5, 1, MARKED, FROM, expireAt));
        assertFalse(cache.rankedAddOnce(board, markers, "c2", "ann", 5, 2, MARKED, FROM, expireAt));
        assertEquals(5, RankedScore.points(cache.sortedScore(board, "ann").orElseThrow()));
        // AND a shopper new to the board still counts
        assertTrue(cache.rankedAddOnce(board, markers, "b1", "bob", 7, 1, MARKED, FROM, expireAt));
        // AND once the rebuild has set ann with her markers, her new credits count and the old ones do not
        assertTrue(cache.rankedSet(board, markers, "ann", 10, 2, Map.of("c1", MARKED, "c2", MARKED), FROM, expireAt));
        assertFalse(cache.rankedAddOnce(board, markers, "c1", "ann", 5, 1, MARKED, FROM, expireAt));
        assertTrue(cache.rankedAddOnce(board, markers, "c3", "ann", 1, 3, MARKED, FROM, expireAt));
        assertEquals(11, RankedScore.points(cache.sortedScore(board, "ann").orElseThrow()));
        assertFalse(cache.rankedSet(board, markers, "ann", 11, 3, Map.of(), FROM, expireAt), "unchanged");
    }

    @Test
    void rankedAddOnce_shouldDropMarkersOlderThanTheWindow_andRefuseAdditionsOlderThanIt() {
        // GIVEN 50 additions, one a day, each with a window of the week before it
        String board = key("board");
        String markers = key("board-markers");
        java.time.Instant expireAt = java.time.Instant.now().plus(LONG);
        java.time.Instant start = MARKED.minus(java.time.Duration.ofDays(60));
        java.time.Duration week = java.time.Duration.ofDays(7);
        for (int day = 0; day < 50; day++) {
            java.time.Instant at = start.plus(java.time.Duration.ofDays(day));
            assertTrue(cache.rankedAddOnce(board, markers, "c" + day, "ann", 1, day, at, at.minus(week), expireAt));
        }
        // THEN the markers hold the last week's eight and ann's sentinel, not fifty; the score has all fifty
        assertEquals(9, cache.sortedSize(markers));
        assertEquals(50, RankedScore.points(cache.sortedScore(board, "ann").orElseThrow()));
        // AND a replay older than the window is refused (the rebuild counts it), though its marker is gone
        java.time.Instant last = start.plus(java.time.Duration.ofDays(49));
        assertFalse(cache.rankedAddOnce(board, markers, "c0", "ann", 1, 0, start, last.minus(week), expireAt));
        assertEquals(50, RankedScore.points(cache.sortedScore(board, "ann").orElseThrow()));
    }

    @Test
    void rankedAddOnce_shouldAddPointsOncePerMarker_andKeepTheLatestTick() {
        // GIVEN a ranked set and its markers
        String board = key("board");
        String markers = key("board-markers");
        java.time.Instant expireAt = java.time.Instant.now().plus(LONG);
        // WHEN two additions are made, the first one twice, and a negative one
        assertTrue(cache.rankedAddOnce(board, markers, "c1", "ann", 100, 50, MARKED, FROM, expireAt));
        assertFalse(cache.rankedAddOnce(board, markers, "c1", "ann", 100, 50, MARKED, FROM, expireAt));
        assertTrue(cache.rankedAddOnce(board, markers, "c2", "ann", 20, 70, MARKED, FROM, expireAt));
        assertTrue(cache.rankedAddOnce(board, markers, "c3", "ann", -30, 60, MARKED, FROM, expireAt));
        // THEN the points count each marker once and the tick is the latest one
        double score = cache.sortedScore(board, "ann").orElseThrow();
        assertEquals(90, RankedScore.points(score));
        assertEquals(70, RankedScore.tick(score));
    }

    @Test
    void rankedAddOnce_shouldRankEqualPointsByWhoReachedThemFirst_inAnyOrderOfAdditions() {
        String board = key("board");
        String markers = key("board-markers");
        java.time.Instant expireAt = java.time.Instant.now().plus(LONG);
        // GIVEN bob reaches 50 points at tick 20, ann at tick 10 (her additions arriving latest first)
        cache.rankedAddOnce(board, markers, "b1", "bob", 50, 20, MARKED, FROM, expireAt);
        cache.rankedAddOnce(board, markers, "a2", "ann", 30, 10, MARKED, FROM, expireAt);
        cache.rankedAddOnce(board, markers, "a1", "ann", 20, 5, MARKED, FROM, expireAt);
        cache.rankedAddOnce(board, markers, "c1", "cid", 60, 99, MARKED, FROM, expireAt);
        // THEN more points first, then who reached the points first
        List<String> order = cache.sortedRangeByScore(board, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, true, 10)
                .stream().map(ScoredMember::member).toList();
        assertEquals(List.of("cid", "ann", "bob"), order);
        assertEquals(Optional.of(1L), cache.sortedRankDescending(board, "ann"));
    }

    @Test
    void rankedAddOnce_shouldCountEachMarkerExactlyOnce_underConcurrentRetries() throws Exception {
        String board = key("board");
        String markers = key("board-markers");
        java.time.Instant expireAt = java.time.Instant.now().plus(LONG);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            // GIVEN 10 distinct additions, each sent 4 times at once
            for (int i = 0; i < 40; i++) {
                String marker = "credit-" + (i % 10);
                results.add(pool.submit(() -> cache.rankedAddOnce(board, markers, marker, "ann", 7, 1, MARKED, FROM, expireAt)));
            }
            int added = 0;
            for (Future<Boolean> f : results) {
                added += f.get() ? 1 : 0;
            }
            // THEN each counted once
            assertEquals(10, added);
            assertEquals(70, RankedScore.points(cache.sortedScore(board, "ann").orElseThrow()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rankedAddOnce_shouldExpireBothKeysAtTheGivenInstant() throws Exception {
        String board = key("board");
        String markers = key("board-markers");
        cache.rankedAddOnce(board, markers, "c1", "ann", 5, 1, MARKED, FROM, java.time.Instant.now().plus(SHORT));
        sleep(SHORT.multipliedBy(2));
        assertEquals(0, cache.sortedSize(board));
        // the marker expired with the set: the same addition counts again
        assertTrue(cache.rankedAddOnce(board, markers, "c1", "ann", 5, 1, MARKED, FROM, java.time.Instant.now().plus(LONG)));
    }

    @Test
    void rankedAddOnce_shouldCountAgain_whenTheRankedSetVanishedButItsMarkersDidNot() {
        String board = key("board");
        String markers = key("board-markers");
        java.time.Instant expireAt = java.time.Instant.now().plus(LONG);
        cache.rankedAddOnce(board, markers, "c1", "ann", 5, 1, MARKED, FROM, expireAt);
        // GIVEN the set alone is lost (evicted)
        cache.delete(board);
        // WHEN the addition is replayed (a rebuild)
        // THEN it counts again: stale markers never hide points
        assertTrue(cache.rankedAddOnce(board, markers, "c1", "ann", 5, 1, MARKED, FROM, expireAt));
        assertEquals(5, RankedScore.points(cache.sortedScore(board, "ann").orElseThrow()));
    }

    @Test
    void execute_shouldRunEachOperationOfABatch_asItsSingleCallDoes_overSeveralHashTags() {
        // GIVEN keys under two hash tags (two cluster slots, most likely on two nodes) with something in them
        String other = "o" + tag;
        String view = key("view");
        String gone = CacheKeys.build("contract", other, "gone");
        String counter = CacheKeys.build("contract", other, "n");
        String z = key("z");
        String fleet = CacheKeys.build("contract", other, "hash");
        java.time.Instant expireAt = java.time.Instant.now().plus(LONG);
        cache.set(view, "v1", LONG);
        cache.set(gone, "x", LONG);
        cache.increment(counter, 5, LONG);
        cache.sortedAdd(z, 1, "old", LONG);
        CacheStats before = cache.stats();
        // WHEN one batch reads, counts, deletes, adds to sorted and ranked sets and to a hash
        CacheBatch batch = new CacheBatch();
        CacheBatch.Result<Long> count = batch.increment(counter, 2, LONG);
        CacheBatch.Result<Optional<String>> hit = batch.get(view);
        CacheBatch.Result<Optional<String>> miss = batch.get(key("absent"));
        batch.delete(gone);
        batch.sortedAdd(z, 5, "new", LONG);
        CacheBatch.Result<Long> trimmed = batch.sortedRemoveByScore(z, Double.NEGATIVE_INFINITY, 2);
        CacheBatch.Result<Long> size = batch.sortedSize(z);
        CacheBatch.Result<Boolean> added = batch.rankedAddOnce(key("board"), key("board-markers"), "c1", "ann", 10, 3, MARKED, FROM, expireAt);
        CacheBatch.Result<Boolean> again = batch.rankedAddOnce(key("board"), key("board-markers"), "c1", "ann", 10, 3, MARKED, FROM, expireAt);
        batch.hashIncrementAll(fleet, Map.of("a", 1L, "b", 2L), LONG);
        assertThrows(IllegalStateException.class, count::get, "no result before the batch ran");
        cache.execute(batch);
        CacheStats counted = cache.stats().minus(before);
        // THEN each result is the single call's, operations on one tag ran in order, and the effects are there
        assertEquals(7L, count.get());
        assertEquals(Optional.of("v1"), hit.get());
        assertEquals(Optional.empty(), miss.get());
        assertEquals(Optional.empty(), cache.get(gone));
        assertEquals(1L, trimmed.get());
        assertEquals(1L, size.get(), "the size after the add and the trim before it");
        assertTrue(added.get());
        assertFalse(again.get(), "the same marker twice in one batch counts once");
        assertEquals(10, RankedScore.points(cache.sortedScore(key("board"), "ann").orElseThrow()));
        assertEquals(Map.of("a", "1", "b", "2"), cache.hashGetAll(fleet));
        // AND the batch's reads counted as one hit and one miss
        assertEquals(1, counted.hits());
        assertEquals(1, counted.misses());
    }

    @Test
    void execute_shouldDoNothing_forAnEmptyBatch() {
        CacheBatch batch = new CacheBatch();
        assertTrue(batch.isEmpty());
        cache.execute(batch);
        batch.hashIncrementAll(key("h"), Map.of(), LONG);
        assertTrue(batch.isEmpty(), "no deltas: nothing to send");
    }
}
