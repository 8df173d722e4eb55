package com.mallquest.core.platform.cache;

import com.mallquest.logging.Log;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Redis with a memory fallback: every call goes to Redis; when a Redis call fails (down, timeout), the call is
 * served from memory, and for the next {@code retryInterval} every call goes straight to memory
 * ({@link Mode#MEMORY_FALLBACK}) without waiting on Redis. After the interval the next call tries Redis again;
 * if it answers, the cache is back on Redis by itself. Nothing is ever thrown to the caller.
 *
 * <p>Consistency across an outage:
 * <ul>
 *   <li>memory is emptied each time the fallback starts, so it never serves what was left from an earlier outage;</li>
 *   <li>deletes made while on memory are remembered and replayed on Redis before it serves again (one pipeline per
 *       {@value #REPLAY_BATCH} keys), so an entry invalidated during the outage is not served stale afterwards. User
 *       views ({@link CacheKeys#isVersionChecked}) are remembered up to {@value #MAX_PENDING} keys and no more: a view
 *       is checked against the profile version when read, so one not deleted is not served for a newer profile.
 *       Every other deleted key (catalogue entries, locks, cursors: a few thousand keys in the whole system) is
 *       always remembered. Nothing else is ever deleted: boards, rate-limit windows and locks that no write
 *       invalidated stay as they are;</li>
 *   <li>counters and rate limits restart from zero in memory, per container: limits are looser during an outage.</li>
 * </ul>
 *
 * <pre>{@code
 * Cache cache = new FallbackCache(RedisCache.create(options), new MemoryCache(), settings.redisRetryInterval());
 * }</pre>
 */
public final class FallbackCache implements Cache {
    private static final Log LOG = Log.of(FallbackCache.class);

    static final int MAX_PENDING = 10_000;
    static final int REPLAY_BATCH = 1_000;

    private final Cache redis;
    private final MemoryCache memory;
    private final long retryNanos;
    private final LongSupplier nanoTime;

    /** Non-zero while on memory: the {@link System#nanoTime()} after which Redis is tried again. */
    private volatile long retryAtNanos;
    private volatile boolean onMemory;
    private final Set<String> pendingKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingPrefixes = ConcurrentHashMap.newKeySet();

    public FallbackCache(Cache redis, MemoryCache memory, Duration retryInterval) {
        this(redis, memory, retryInterval, System::nanoTime);
    }

    FallbackCache(Cache redis, MemoryCache memory, Duration retryInterval, LongSupplier nanoTime) {
        this.redis = redis;
        this.memory = memory;
        this.retryNanos = retryInterval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Runs {@code operation} on Redis, or on memory while Redis is out or when the Redis call fails. */
    private <T> T call(Function<Cache, T> operation) {
        if (onMemory && nanoTime.getAsLong() - retryAtNanos < 0) {
            return operation.apply(memory);
        }
        try {
            if (onMemory) {
                replayInvalidations();
            }
            T result = operation.apply(redis);
            if (onMemory) {
                onMemory = false;
                LOG.info("cache: Redis answers again; serving from Redis", "cacheMode", "redis");
            }
            return result;
        } catch (RuntimeException e) {
            fallBack(e);
            return operation.apply(memory);
        }
    }

    private synchronized void fallBack(RuntimeException cause) {
        if (!onMemory) {
            memory.deleteByPrefix(""); // nothing left over from an earlier outage
            LOG.warn("cache: Redis call failed; serving from memory", cause, "cacheMode", "memory_fallback", "retryInMs", Duration.ofNanos(retryNanos).toMillis());
        }
        retryAtNanos = nanoTime.getAsLong() + retryNanos;
        onMemory = true;
    }

    private synchronized void replayInvalidations() {
        for (String prefix : List.copyOf(pendingPrefixes)) {
            redis.deleteByPrefix(prefix);
            pendingPrefixes.remove(prefix);
        }
        List<String> keys = List.copyOf(pendingKeys);
        for (int from = 0; from < keys.size(); from += REPLAY_BATCH) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + REPLAY_BATCH));
            CacheBatch batch = new CacheBatch();
            chunk.forEach(batch::delete);
            redis.execute(batch);
            pendingKeys.removeAll(chunk);
        }
    }

    /** Remembers a delete made on memory (see the class: views past {@value #MAX_PENDING} keys are not). */
    private void remember(Set<String> pending, String value) {
        if (pending == pendingKeys && CacheKeys.isVersionChecked(value) && pendingKeys.size() >= MAX_PENDING) {
            return;
        }
        pending.add(value);
    }

    @Override
    public Optional<String> get(String key) {
        return call(c -> c.get(key));
    }

    @Override
    public void set(String key, String value, Duration ttl) {
        call(c -> {
            c.set(key, value, ttl);
            return null;
        });
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
        return call(c -> c.setIfAbsent(key, value, ttl));
    }

    @Override
    public void delete(String key) {
        call(c -> {
            c.delete(key);
            if (c == memory) {
                remember(pendingKeys, key);
            }
            return null;
        });
    }

    @Override
    public long deleteByPrefix(String prefix) {
        return call(c -> {
            long deleted = c.deleteByPrefix(prefix);
            if (c == memory) {
                remember(pendingPrefixes, prefix);
            }
            return deleted;
        });
    }

    @Override
    public long increment(String key, long delta, Duration ttl) {
        return call(c -> c.increment(key, delta, ttl));
    }

    @Override
    public long hashIncrement(String key, String field, long delta, Duration ttl) {
        return call(c -> c.hashIncrement(key, field, delta, ttl));
    }

    @Override
    public void hashIncrementAll(String key, Map<String, Long> deltas, Duration ttl) {
        call(c -> {
            c.hashIncrementAll(key, deltas, ttl);
            return null;
        });
    }

    /** The whole batch on Redis, or (Redis out, or the pipeline failed) the whole batch on memory. */
    @Override
    public void execute(CacheBatch batch) {
        call(c -> {
            c.execute(batch);
            if (c == memory) {
                for (CacheBatch.Operation operation : batch.operations()) {
                    if (operation instanceof CacheBatch.Delete delete) {
                        remember(pendingKeys, delete.key());
                    }
                }
            }
            return null;
        });
    }

    @Override
    public Map<String, String> hashGetAll(String key) {
        return call(c -> c.hashGetAll(key));
    }

    @Override
    public void sortedAdd(String key, double score, String member, Duration ttl) {
        call(c -> {
            c.sortedAdd(key, score, member, ttl);
            return null;
        });
    }

    @Override
    public List<ScoredMember> sortedRangeByScore(String key, double min, double max, boolean descending, int limit) {
        return call(c -> c.sortedRangeByScore(key, min, max, descending, limit));
    }

    @Override
    public long sortedRemoveByScore(String key, double min, double max) {
        return call(c -> c.sortedRemoveByScore(key, min, max));
    }

    @Override
    public long sortedRemove(String key, Collection<String> members) {
        return call(c -> c.sortedRemove(key, members));
    }

    @Override
    public long sortedKeepHighest(String key, int keep) {
        return call(c -> c.sortedKeepHighest(key, keep));
    }

    @Override
    public long sortedSize(String key) {
        return call(c -> c.sortedSize(key));
    }

    @Override
    public Optional<Double> sortedScore(String key, String member) {
        return call(c -> c.sortedScore(key, member));
    }

    @Override
    public Optional<Long> sortedRankDescending(String key, String member) {
        return call(c -> c.sortedRankDescending(key, member));
    }

    @Override
    public boolean rankedAddOnce(String key, String markersKey, String marker, String member, long points, long tick,
                                 java.time.Instant markedAt, java.time.Instant markersFrom, java.time.Instant expireAt) {
        return call(c -> c.rankedAddOnce(key, markersKey, marker, member, points, tick, markedAt, markersFrom, expireAt));
    }

    @Override
    public boolean rankedSet(String key, String markersKey, String member, long points, long tick,
                             Map<String, java.time.Instant> markers, java.time.Instant markersFrom,
                             java.time.Instant expireAt) {
        return call(c -> c.rankedSet(key, markersKey, member, points, tick, markers, markersFrom, expireAt));
    }

    /** {@link Mode#REDIS}, or {@link Mode#MEMORY_FALLBACK} while Redis is out. */
    @Override
    public Mode mode() {
        return onMemory ? Mode.MEMORY_FALLBACK : Mode.REDIS;
    }

    /** PINGs Redis (unless it failed less than the retry interval ago) and returns the resulting mode. */
    @Override
    public Mode probe() {
        return call(c -> c == memory ? Mode.MEMORY_FALLBACK : c.probe());
    }

    /** Hits and misses of both stores. */
    @Override
    public CacheStats stats() {
        CacheStats r = redis.stats();
        CacheStats m = memory.stats();
        return new CacheStats(r.hits() + m.hits(), r.misses() + m.misses());
    }
}
