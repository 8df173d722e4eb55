package com.mallquest.core.platform.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cache operations sent together by {@link Cache#execute}: on Redis one pipeline, so one round trip for keys of
 * one hash tag (cluster mode: one per node the keys live on, in parallel); on memory one call after the other.
 * Each operation does exactly what the {@link Cache} method of the same name does. Operations on keys of one hash
 * tag run in the order they were added (one node, one connection); across hash tags no order is promised, so no
 * operation may depend on another's effect on a key of another tag. Results are read once the batch has run.
 *
 * <pre>{@code
 * CacheBatch batch = new CacheBatch();
 * CacheBatch.Result<Long> count = batch.increment(rateKey, 1, window);
 * CacheBatch.Result<Optional<String>> view = batch.get(viewKey);
 * cache.execute(batch);                      // one round trip: both keys carry {u:<userId>}
 * long n = count.get();
 * }</pre>
 *
 * <p>A batch is run once, by one thread. Unlike a single call, a pipeline does not follow a cluster's {@code MOVED}
 * redirections: while slots move between nodes (resharding a self-managed cluster), a batch touching a moved slot fails
 * and {@code FallbackCache} serves from memory for its retry interval. ElastiCache Serverless shows clients one
 * endpoint for every slot (as we understand it), so a batch there is one round trip and never redirected.
 */
public final class CacheBatch {

    /** What an operation returns, once its batch has run. */
    public static final class Result<T> {
        private T value;
        private boolean done;

        /** The operation's result; throws before the batch has run. */
        public T get() {
            if (!done) {
                throw new IllegalStateException("the batch has not run yet");
            }
            return value;
        }

        void set(T value) {
            this.value = value;
            this.done = true;
        }
    }

    /** One operation of a batch; adapters without pipelines run it with {@link #runOn}. */
    sealed interface Operation {
        /** Runs this operation as a single call on {@code cache} and keeps its result. */
        void runOn(Cache cache);
    }

    record Increment(String key, long delta, Duration ttl, Result<Long> result) implements Operation {
        public void runOn(Cache cache) {
            result.set(cache.increment(key, delta, ttl));
        }
    }

    record Get(String key, Result<Optional<String>> result) implements Operation {
        public void runOn(Cache cache) {
            result.set(cache.get(key));
        }
    }

    record Delete(String key) implements Operation {
        public void runOn(Cache cache) {
            cache.delete(key);
        }
    }

    record HashIncrementAll(String key, Map<String, Long> deltas, Duration ttl) implements Operation {
        public void runOn(Cache cache) {
            cache.hashIncrementAll(key, deltas, ttl);
        }
    }

    record SortedAdd(String key, double score, String member, Duration ttl) implements Operation {
        public void runOn(Cache cache) {
            cache.sortedAdd(key, score, member, ttl);
        }
    }

    record SortedRemoveByScore(String key, double min, double max, Result<Long> result) implements Operation {
        public void runOn(Cache cache) {
            result.set(cache.sortedRemoveByScore(key, min, max));
        }
    }

    record SortedSize(String key, Result<Long> result) implements Operation {
        public void runOn(Cache cache) {
            result.set(cache.sortedSize(key));
        }
    }

    record RankedAddOnce(String key, String markersKey, String marker, String member, long points, long tick,
                         Instant markedAt, Instant markersFrom, Instant expireAt, Result<Boolean> result)
            implements Operation {
        RankedAddOnce {
            RankedScore.check(points, tick);
        }

        public void runOn(Cache cache) {
            result.set(cache.rankedAddOnce(key, markersKey, marker, member, points, tick, markedAt, markersFrom,
                    expireAt));
        }
    }

    record RankedSet(String key, String markersKey, String member, long points, long tick, Map<String, Instant> markers,
                     Instant markersFrom, Instant expireAt, Result<Boolean> result) implements Operation {
        RankedSet {
            RankedScore.check(points, tick);
            markers = Map.copyOf(markers);
        }

        public void runOn(Cache cache) {
            result.set(cache.rankedSet(key, markersKey, member, points, tick, markers, markersFrom, expireAt));
        }
    }

    private final List<Operation> operations = new ArrayList<>();

    /** {@link Cache#increment}: the new value. */
    public Result<Long> increment(String key, long delta, Duration ttl) {
        return add(new Increment(key, delta, ttl, new Result<>())).result();
    }

    /** {@link Cache#get} (counted as a hit or a miss). */
    public Result<Optional<String>> get(String key) {
        return add(new Get(key, new Result<>())).result();
    }

    /** {@link Cache#delete}. */
    public void delete(String key) {
        add(new Delete(key));
    }

    /** {@link Cache#hashIncrementAll}; nothing for no deltas. */
    public void hashIncrementAll(String key, Map<String, Long> deltas, Duration ttl) {
        if (!deltas.isEmpty()) {
            add(new HashIncrementAll(key, Map.copyOf(deltas), ttl));
        }
    }

    /** {@link Cache#sortedAdd}. */
    public void sortedAdd(String key, double score, String member, Duration ttl) {
        add(new SortedAdd(key, score, member, ttl));
    }

    /** {@link Cache#sortedRemoveByScore}: how many were removed. */
    public Result<Long> sortedRemoveByScore(String key, double min, double max) {
        return add(new SortedRemoveByScore(key, min, max, new Result<>())).result();
    }

    /** {@link Cache#sortedSize}. */
    public Result<Long> sortedSize(String key) {
        return add(new SortedSize(key, new Result<>())).result();
    }

    /** {@link Cache#rankedAddOnce}: true when this addition was new. */
    public Result<Boolean> rankedAddOnce(String key, String markersKey, String marker, String member, long points,
                                         long tick, Instant markedAt, Instant markersFrom, Instant expireAt) {
        return add(new RankedAddOnce(key, markersKey, marker, member, points, tick, markedAt, markersFrom, expireAt,
                new Result<>())).result();
    }

    /** {@link Cache#rankedSet}: true when the score changed. */
    public Result<Boolean> rankedSet(String key, String markersKey, String member, long points, long tick,
                                     Map<String, Instant> markers, Instant markersFrom, Instant expireAt) {
        return add(new RankedSet(key, markersKey, member, points, tick, markers, markersFrom, expireAt,
                new Result<>())).result();
    }

    /** True when nothing was added. */
    public boolean isEmpty() {
        return operations.isEmpty();
    }

    /** The operations, in the order they were added. */
    List<Operation> operations() {
        return List.copyOf(operations);
    }

    /** Runs every operation on {@code cache}, one call each, in order (what adapters without pipelines do). */
    void runEachOn(Cache cache) {
        for (Operation operation : operations) {
            operation.runOn(cache);
        }
    }

    private <T extends Operation> T add(T operation) {
        operations.add(operation);
        return operation;
    }
}
