package com.mallquest.core.platform.cache;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.Tuple;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Redis adapter of {@link Cache} (Jedis 7): standalone ({@code redis://}), TLS ({@code rediss://}) or
 * cluster mode (ElastiCache Serverless), as {@link RedisOptions} say.
 *
 * <p>Every operation that must be atomic is one command or one Lua script on one key ({@link RedisScripts});
 * a {@link CacheBatch} is one pipeline of those same commands and scripts;
 * {@link #deleteByPrefix} scans every master ({@link RedisPrefixDeleter}). Connection handling, timeouts and
 * SnapStart live in {@link RedisConnection}.
 *
 * <p>Failures (Redis down, timeout) are thrown as Jedis exceptions: request code uses this adapter only
 * behind {@link FallbackCache}, which turns them into memory fallback.
 *
 * <pre>{@code
 * Cache cache = RedisCache.create(RedisOptions.from(settings));
 * }</pre>
 */
public final class RedisCache implements Cache, AutoCloseable {
    private final RedisConnection connection;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    private RedisCache(RedisConnection connection) {
        this.connection = connection;
    }

    /** A cache over the given Redis; connects lazily (on the first call), so this never fails for an unreachable server. */
    public static RedisCache create(RedisOptions options) {
        return new RedisCache(new RedisConnection(options));
    }

    private UnifiedJedis redis() {
        return connection.client();
    }

    private static long millis(Duration ttl) {
        return Math.max(1, ttl.toMillis());
    }

    @Override
    public Optional<String> get(String key) {
        String value = redis().get(key);
        (value == null ? misses : hits).incrementAndGet();
        return Optional.ofNullable(value);
    }

    @Override
    public void set(String key, String value, Duration ttl) {
        redis().set(key, value, SetParams.setParams().px(millis(ttl)));
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
        return "OK".equals(redis().set(key, value, SetParams.setParams().nx().px(millis(ttl))));
    }

    @Override
    public void delete(String key) {
        redis().del(key);
    }

    @Override
    public long deleteByPrefix(String prefix) {
        return RedisPrefixDeleter.deleteByPrefix(connection, prefix);
    }

    @Override
    public long increment(String key, long delta, Duration ttl) {
        return (Long) redis().eval(RedisScripts.INCREMENT_WITH_TTL, List.of(key),
                List.of(Long.toString(delta), Long.toString(millis(ttl))));
    }

    @Override
    public long hashIncrement(String key, String field, long delta, Duration ttl) {
        return (Long) redis().eval(RedisScripts.HASH_INCREMENT_WITH_TTL, List.of(key),
                List.of(field, Long.toString(delta), Long.toString(millis(ttl))));
    }

    @Override
    public void hashIncrementAll(String key, Map<String, Long> deltas, Duration ttl) {
        if (deltas.isEmpty()) {
            return;
        }
        redis().eval(RedisScripts.HASH_INCREMENT_ALL_WITH_TTL, List.of(key), hashIncrementArgs(deltas, ttl));
    }

    private static List<String> hashIncrementArgs(Map<String, Long> deltas, Duration ttl) {
        List<String> args = new java.util.ArrayList<>(1 + 2 * deltas.size());
        args.add(Long.toString(millis(ttl)));
        deltas.forEach((field, delta) -> {
            args.add(field);
            args.add(Long.toString(delta));
        });
        return args;
    }

    /** One pipeline: one round trip per node the batch's keys live on (cluster nodes in parallel). */
    @Override
    public void execute(CacheBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<Runnable> collect = new java.util.ArrayList<>();
        try (AbstractPipeline pipeline = connection.pipeline()) {
            for (CacheBatch.Operation operation : batch.operations()) {
                collect.add(queue(pipeline, operation));
            }
            pipeline.sync();
        }
        collect.forEach(Runnable::run); // a command's error (a script's, a MOVED) is thrown here
    }

    /** Queues {@code operation} as the command the single call sends; returns what reads its reply. */
    private Runnable queue(AbstractPipeline p, CacheBatch.Operation operation) {
        if (operation instanceof CacheBatch.Increment op) {
            Response<Object> reply = p.eval(RedisScripts.INCREMENT_WITH_TTL, List.of(op.key()),
                    List.of(Long.toString(op.delta()), Long.toString(millis(op.ttl()))));
            return () -> op.result().set((Long) reply.get());
        }
        if (operation instanceof CacheBatch.Get op) {
            Response<String> reply = p.get(op.key());
            return () -> {
                String value = reply.get();
                (value == null ? misses : hits).incrementAndGet();
                op.result().set(Optional.ofNullable(value));
            };
        }
        if (operation instanceof CacheBatch.Delete op) {
            Response<Long> reply = p.del(op.key());
            return reply::get;
        }
        if (operation instanceof CacheBatch.HashIncrementAll op) {
            Response<Object> reply = p.eval(RedisScripts.HASH_INCREMENT_ALL_WITH_TTL, List.of(op.key()),
                    hashIncrementArgs(op.deltas(), op.ttl()));
            return reply::get;
        }
        if (operation instanceof CacheBatch.SortedAdd op) {
            Response<Object> reply = p.eval(RedisScripts.SORTED_ADD_WITH_TTL, List.of(op.key()),
                    List.of(score(op.score()), op.member(), Long.toString(millis(op.ttl()))));
            return reply::get;
        }
        if (operation instanceof CacheBatch.SortedRemoveByScore op) {
            Response<Long> reply = p.zremrangeByScore(op.key(), op.min(), op.max());
            return () -> op.result().set(reply.get());
        }
        if (operation instanceof CacheBatch.SortedSize op) {
            Response<Long> reply = p.zcard(op.key());
            return () -> op.result().set(reply.get());
        }
        if (operation instanceof CacheBatch.RankedAddOnce op) {
            Response<Object> reply = p.eval(RedisScripts.RANKED_ADD_ONCE, List.of(op.key(), op.markersKey()),
                    rankedAddOnceArgs(op.marker(), op.member(), op.points(), op.tick(), op.markedAt(),
                            op.markersFrom(), op.expireAt()));
            return () -> op.result().set(Long.valueOf(1).equals(reply.get()));
        }
        if (operation instanceof CacheBatch.RankedSet op) {
            Response<Object> reply = p.eval(RedisScripts.RANKED_SET, List.of(op.key(), op.markersKey()),
                    rankedSetArgs(op.member(), op.points(), op.tick(), op.markers(), op.markersFrom(), op.expireAt()));
            return () -> op.result().set(Long.valueOf(1).equals(reply.get()));
        }
        throw new IllegalArgumentException("no pipelined form for " + operation);
    }

    @Override
    public Map<String, String> hashGetAll(String key) {
        return redis().hgetAll(key);
    }

    @Override
    public void sortedAdd(String key, double score, String member, Duration ttl) {
        redis().eval(RedisScripts.SORTED_ADD_WITH_TTL, List.of(key),
                List.of(score(score), member, Long.toString(millis(ttl))));
    }

    @Override
    public List<ScoredMember> sortedRangeByScore(String key, double min, double max, boolean descending, int limit) {
        List<Tuple> tuples = descending
                ? redis().zrevrangeByScoreWithScores(key, max, min, 0, limit)
                : redis().zrangeByScoreWithScores(key, min, max, 0, limit);
        return tuples.stream().map(t -> new ScoredMember(t.getElement(), t.getScore())).toList();
    }

    @Override
    public long sortedRemoveByScore(String key, double min, double max) {
        return redis().zremrangeByScore(key, min, max);
    }

    @Override
    public long sortedRemove(String key, Collection<String> members) {
        if (members.isEmpty()) {
            return 0;
        }
        return redis().zrem(key, members.toArray(String[]::new));
    }

    @Override
    public long sortedKeepHighest(String key, int keep) {
        return (Long) redis().eval(RedisScripts.SORTED_KEEP_HIGHEST, List.of(key), List.of(Integer.toString(Math.max(0, keep))));
    }

    @Override
    public long sortedSize(String key) {
        return redis().zcard(key);
    }

    @Override
    public Optional<Double> sortedScore(String key, String member) {
        return Optional.ofNullable(redis().zscore(key, member));
    }

    @Override
    public Optional<Long> sortedRankDescending(String key, String member) {
        return Optional.ofNullable(redis().zrevrank(key, member));
    }

    @Override
    public boolean rankedAddOnce(String key, String markersKey, String marker, String member, long points, long tick,
                                 java.time.Instant markedAt, java.time.Instant markersFrom, java.time.Instant expireAt) {
        RankedScore.check(points, tick);
        Object added = redis().eval(RedisScripts.RANKED_ADD_ONCE, List.of(key, markersKey),
                rankedAddOnceArgs(marker, member, points, tick, markedAt, markersFrom, expireAt));
        return Long.valueOf(1).equals(added);
    }

    private static List<String> rankedAddOnceArgs(String marker, String member, long points, long tick,
                                                  java.time.Instant markedAt, java.time.Instant markersFrom,
                                                  java.time.Instant expireAt) {
        return List.of(marker, member, Long.toString(points), Long.toString(tick),
                Long.toString(expireAt.toEpochMilli()), Long.toString((long) RankedScore.SCALE),
                Long.toString(markedAt.toEpochMilli()), Long.toString(markersFrom.toEpochMilli()));
    }

    @Override
    public boolean rankedSet(String key, String markersKey, String member, long points, long tick,
                             Map<String, java.time.Instant> markers, java.time.Instant markersFrom,
                             java.time.Instant expireAt) {
        RankedScore.check(points, tick);
        return Long.valueOf(1).equals(redis().eval(RedisScripts.RANKED_SET, List.of(key, markersKey),
                rankedSetArgs(member, points, tick, markers, markersFrom, expireAt)));
    }

    private static List<String> rankedSetArgs(String member, long points, long tick, Map<String, java.time.Instant> markers,
                                              java.time.Instant markersFrom, java.time.Instant expireAt) {
        List<String> args = new java.util.ArrayList<>(4 + 2 * markers.size());
        args.add(member);
        args.add(String.format("%.0f", RankedScore.of(points, tick)));
        args.add(Long.toString(expireAt.toEpochMilli()));
        args.add(Long.toString(markersFrom.toEpochMilli()));
        markers.forEach((marker, at) -> {
            args.add(Long.toString(at.toEpochMilli()));
            args.add(marker);
        });
        return args;
    }

    @Override
    public Mode mode() {
        return Mode.REDIS;
    }

    /** One PING; throws when Redis does not answer. */
    @Override
    public Mode probe() {
        redis().ping();
        return Mode.REDIS;
    }

    @Override
    public CacheStats stats() {
        return new CacheStats(hits.get(), misses.get());
    }

    /** Closes the connections (they are re-opened by the next call). */
    @Override
    public void close() {
        connection.close();
    }

    private static String score(double score) {
        if (Double.isInfinite(score)) {
            return score > 0 ? "+inf" : "-inf";
        }
        return Double.toString(score);
    }
}
