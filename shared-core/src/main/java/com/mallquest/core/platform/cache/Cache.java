package com.mallquest.core.platform.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cache port (the seed's PerformanceManager): strings with a TTL, atomic counters, hashes of
 * counters and sorted sets, in ElastiCache or in memory.
 *
 * <p>Adapters: {@code RedisCache} (standalone, TLS or cluster), {@code MemoryCache} (a bounded map) and
 * {@code FallbackCache}, which serves from memory while Redis is unreachable and returns to Redis by
 * itself. A cache failure never fails a request: adapters used by request code must not throw on an
 * unreachable server.
 *
 * <p>Keys: {@code mq:<area>:{<hash-tag>}:<rest>}. Keys that are used together in one command or
 * script share the hash tag, so that they live in one Redis Cluster slot (ElastiCache Serverless is
 * always cluster mode). Build them with {@link CacheKeys}.
 */
public interface Cache {

    /** Where values currently live. */
    enum Mode { REDIS, MEMORY, MEMORY_FALLBACK }

    Optional<String> get(String key);

    void set(String key, String value, Duration ttl);

    /** Sets only if absent (SET NX); true when this call set it. */
    boolean setIfAbsent(String key, String value, Duration ttl);

    void delete(String key);

    /** Deletes every key starting with {@code prefix} (SCAN-based on Redis, every node in cluster mode); returns how many. */
    long deleteByPrefix(String prefix);

    /**
     * Atomically adds {@code delta} and returns the new value; a key created by this call expires after
     * {@code ttl} (the expiry is not extended by later increments).
     */
    long increment(String key, long delta, Duration ttl);

    /** Atomically adds {@code delta} to a field of a hash; a hash created by this call expires after {@code ttl}. */
    long hashIncrement(String key, String field, long delta, Duration ttl);

    /**
     * Adds each delta to its field of one hash, in one round trip on Redis (one script: the fields change
     * together); a hash created by this call expires after {@code ttl}. For counters recorded together, such
     * as the fleet figures of one request. The default adds field by field.
     */
    default void hashIncrementAll(String key, Map<String, Long> deltas, Duration ttl) {
        deltas.forEach((field, delta) -> hashIncrement(key, field, delta, ttl));
    }

    /**
     * Runs the operations of {@code batch} together: one pipeline on Redis (one round trip for keys of one hash tag),
     * one call after the other elsewhere (the default). Afterwards each operation's result can be read.
     */
    default void execute(CacheBatch batch) {
        batch.runEachOn(this);
    }

    /** All fields of a hash (empty when absent). */
    Map<String, String> hashGetAll(String key);

    /** Adds or re-scores {@code member}; the set's expiry is set to {@code ttl} from now. */
    void sortedAdd(String key, double score, String member, Duration ttl);

    /** Members with {@code min <= score <= max}, highest score first when {@code descending}, at most {@code limit}. */
    List<ScoredMember> sortedRangeByScore(String key, double min, double max, boolean descending, int limit);

    /** Removes members with {@code min <= score <= max}; returns how many. */
    long sortedRemoveByScore(String key, double min, double max);

    /** Removes {@code members} from a sorted set (ZREM); returns how many were present. */
    long sortedRemove(String key, java.util.Collection<String> members);

    /** Keeps the {@code keep} highest-scored members and removes the rest; returns how many were removed. */
    long sortedKeepHighest(String key, int keep);

    long sortedSize(String key);

    /** The score of {@code member}, empty when the set or the member is absent (ZSCORE). */
    Optional<Double> sortedScore(String key, String member);

    /** The 0-based position of {@code member}, highest score first; empty when absent (ZREVRANK). */
    Optional<Long> sortedRankDescending(String key, String member);

    /**
     * Ranked sets (leaderboards): adds {@code points} to {@code member} of the sorted set {@code key}, once per
     * {@code marker}, atomically (one script on Redis), so a replay or a retry of the same addition changes nothing.
     * The score is a {@link RankedScore}: points summed, the latest {@code tick} kept; both are order-independent.
     * Both keys expire at {@code expireAt} and must share a hash tag (one cluster slot).
     *
     * <p>Markers are bounded: {@code markersKey} holds each marker with the time it stands for ({@code markedAt}),
     * and those older than {@code markersFrom} are dropped; an addition with {@code markedAt} before
     * {@code markersFrom} is refused (only a rebuild, {@link #rankedSet}, may count it). Markers and scores are kept
     * in step per member: the markers key holds a sentinel for each member it has markers of, and a member with a
     * score but no sentinel (markers evicted or deleted) is refused, never counted again, until a rebuild sets it.
     * If the ranked set is gone (evicted), its markers are dropped and counting starts over.
     *
     * @return true when this call added the points; false when it did not (see above)
     */
    boolean rankedAddOnce(String key, String markersKey, String marker, String member, long points, long tick,
                          java.time.Instant markedAt, java.time.Instant markersFrom, java.time.Instant expireAt);

    /**
     * Ranked sets, the rebuild: sets {@code member}'s score to {@code points} reached at {@code tick} (a total
     * recomputed from the source of truth) and records {@code markers} (marker → its time; those older than
     * {@code markersFrom} are left out) with the member's sentinel, so that a later {@link #rankedAddOnce} of a
     * credit the total holds is refused. Atomic; both keys expire at {@code expireAt}.
     *
     * @return true when the score changed
     */
    boolean rankedSet(String key, String markersKey, String member, long points, long tick,
                      Map<String, java.time.Instant> markers, java.time.Instant markersFrom, java.time.Instant expireAt);

    /** Where values live right now (as of the last call; see {@link #probe()} for a fresh check). */
    Mode mode();

    /**
     * Checks the backing store now and returns where values live: for Redis behind the fallback, one PING
     * (unless Redis failed less than the retry interval ago); {@link Mode#MEMORY_FALLBACK} when it does not
     * answer. Never throws from {@link FallbackCache} or {@link MemoryCache}. For {@code GET /health}.
     */
    default Mode probe() {
        return mode();
    }

    /** Hit and miss counts of {@link #get} since this cache was built. */
    CacheStats stats();

    /** A member of a sorted set with its score. */
    record ScoredMember(String member, double score) { }
}
