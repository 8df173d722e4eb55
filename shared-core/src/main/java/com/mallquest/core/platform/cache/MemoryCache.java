package com.mallquest.core.platform.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory adapter: a {@link ConcurrentHashMap} bounded in entries, with a per-entry expiry. It serves when
 * no Redis is configured and, inside {@link FallbackCache}, while Redis is unreachable. Values are per container:
 * it is a cache, never the source of truth.
 *
 * <p>An expired entry is never served and is dropped when its key is written again or when the map outgrows its
 * bound: then every expired entry goes, and if that is not enough, the entries nearest their expiry, down to 90 %
 * of the bound (one sweep per tenth of the bound written, not one per write). A plain map, not a caching library:
 * it is what a fallback needs, and it keeps a library's classes off every container's cold start.
 */
public final class MemoryCache implements Cache {

    /** The member of a markers set that says it holds {@code <member>}'s markers (as the Redis script's). */
    private static final String SENTINEL = "~";

    /** An entry and the moment (epoch nanos of the ticker) it expires. */
    private record Entry(Object value, long expiresAtNanos) { }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final long maximumEntries;
    private final Object sweeping = new Object();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** A cache of at most {@code maximumEntries} entries (≥ 1). */
    public MemoryCache(long maximumEntries) {
        if (maximumEntries < 1) {
            throw new IllegalArgumentException("maximumEntries must be at least 1: " + maximumEntries);
        }
        this.maximumEntries = maximumEntries;
    }

    public MemoryCache() {
        this(100_000);
    }

    /** Entries held now, expired ones not yet dropped included (tests). */
    long size() {
        return entries.size();
    }

    /** Keeps the map within its bound after a write (see the class comment). */
    private void bound() {
        if (entries.size() <= maximumEntries) {
            return;
        }
        synchronized (sweeping) {
            if (entries.size() <= maximumEntries) {
                return;
            }
            long now = System.nanoTime();
            entries.values().removeIf(e -> e.expiresAtNanos - now <= 0);
            long excess = entries.size() - (maximumEntries - maximumEntries / 10);
            if (excess > 0) {
                List<Map.Entry<String, Entry>> nearest = entries.entrySet().stream()
                        .sorted(Comparator.comparingLong(e -> e.getValue().expiresAtNanos - now))
                        .limit(excess)
                        .toList();
                nearest.forEach(e -> entries.remove(e.getKey(), e.getValue()));
            }
        }
    }

    private static long deadline(Duration ttl) {
        return System.nanoTime() + ttl.toNanos();
    }

    private Object live(String key) {
        Entry e = entries.get(key);
        if (e == null || e.expiresAtNanos - System.nanoTime() <= 0) {
            return null;
        }
        return e.value;
    }

    @Override
    public Optional<String> get(String key) {
        Object v = live(key);
        if (v instanceof String s) {
            hits.incrementAndGet();
            return Optional.of(s);
        }
        if (v instanceof AtomicLong n) {
            hits.incrementAndGet();
            return Optional.of(Long.toString(n.get()));
        }
        misses.incrementAndGet();
        return Optional.empty();
    }

    @Override
    public void set(String key, String value, Duration ttl) {
        entries.put(key, new Entry(value, deadline(ttl)));
        bound();
    }

    @Override
    public boolean setIfAbsent(String key, String value, Duration ttl) {
        boolean[] set = {false};
        entries.compute(key, (k, old) -> {
            if (old != null && old.expiresAtNanos - System.nanoTime() > 0) {
                return old;
            }
            set[0] = true;
            return new Entry(value, deadline(ttl));
        });
        bound();
        return set[0];
    }

    @Override
    public void delete(String key) {
        entries.remove(key);
    }

    @Override
    public long deleteByPrefix(String prefix) {
        List<String> keys = entries.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
        keys.forEach(entries::remove);
        return keys.size();
    }

    @Override
    public long increment(String key, long delta, Duration ttl) {
        Entry e = entries.compute(key, (k, old) -> {
            if (old != null && old.expiresAtNanos - System.nanoTime() > 0 && old.value instanceof AtomicLong) {
                return old;
            }
            return new Entry(new AtomicLong(), deadline(ttl));
        });
        bound();
        return ((AtomicLong) e.value).addAndGet(delta);
    }

    @SuppressWarnings("unchecked")
    private <T> T structure(String key, Class<T> type, java.util.function.Supplier<T> create, Duration ttl, boolean refreshTtl) {
        Entry e = entries.compute(key, (k, old) -> {
            boolean alive = old != null && old.expiresAtNanos - System.nanoTime() > 0 && type.isInstance(old.value);
            if (alive) {
                return refreshTtl ? new Entry(old.value, deadline(ttl)) : old;
            }
            return new Entry(create.get(), deadline(ttl));
        });
        bound();
        return (T) e.value;
    }

    @Override
    public long hashIncrement(String key, String field, long delta, Duration ttl) {
        @SuppressWarnings("unchecked")
        ConcurrentMap<String, AtomicLong> hash = structure(key, ConcurrentHashMap.class, ConcurrentHashMap::new, ttl, false);
        return hash.computeIfAbsent(field, f -> new AtomicLong()).addAndGet(delta);
    }

    @Override
    public Map<String, String> hashGetAll(String key) {
        Object v = live(key);
        Map<String, String> out = new HashMap<>();
        if (v instanceof ConcurrentMap<?, ?> hash) {
            hash.forEach((f, n) -> out.put((String) f, n.toString()));
        }
        return out;
    }

    /** A sorted set: member → score, read under its own lock. */
    private static final class SortedSet {
        final Map<String, Double> scores = new HashMap<>();

        synchronized List<ScoredMember> sorted(boolean descending) {
            Comparator<ScoredMember> order = Comparator.comparingDouble(ScoredMember::score).thenComparing(ScoredMember::member);
            List<ScoredMember> all = new ArrayList<>();
            scores.forEach((m, s) -> all.add(new ScoredMember(m, s)));
            all.sort(descending ? order.reversed() : order);
            return all;
        }
    }

    private SortedSet sortedSet(String key) {
        Object v = live(key);
        return v instanceof SortedSet s ? s : null;
    }

    @Override
    public void sortedAdd(String key, double score, String member, Duration ttl) {
        SortedSet set = structure(key, SortedSet.class, SortedSet::new, ttl, true);
        synchronized (set) {
            set.scores.put(member, score);
        }
    }

    @Override
    public List<ScoredMember> sortedRangeByScore(String key, double min, double max, boolean descending, int limit) {
        SortedSet set = sortedSet(key);
        if (set == null) {
            return List.of();
        }
        return set.sorted(descending).stream().filter(m -> m.score() >= min && m.score() <= max).limit(limit).toList();
    }

    @Override
    public long sortedRemoveByScore(String key, double min, double max) {
        SortedSet set = sortedSet(key);
        if (set == null) {
            return 0;
        }
        synchronized (set) {
            int before = set.scores.size();
            set.scores.values().removeIf(s -> s >= min && s <= max);
            return before - set.scores.size();
        }
    }

    @Override
    public long sortedRemove(String key, java.util.Collection<String> members) {
        SortedSet set = sortedSet(key);
        if (set == null) {
            return 0;
        }
        synchronized (set) {
            long removed = 0;
            for (String member : members) {
                if (set.scores.remove(member) != null) {
                    removed++;
                }
            }
            return removed;
        }
    }

    @Override
    public long sortedKeepHighest(String key, int keep) {
        SortedSet set = sortedSet(key);
        if (set == null) {
            return 0;
        }
        synchronized (set) {
            List<ScoredMember> ascending = set.sorted(false);
            int remove = Math.max(0, ascending.size() - keep);
            for (int i = 0; i < remove; i++) {
                set.scores.remove(ascending.get(i).member());
            }
            return remove;
        }
    }

    @Override
    public long sortedSize(String key) {
        SortedSet set = sortedSet(key);
        if (set == null) {
            return 0;
        }
        synchronized (set) {
            return set.scores.size();
        }
    }

    @Override
    public Optional<Double> sortedScore(String key, String member) {
        SortedSet set = sortedSet(key);
        if (set == null) {
            return Optional.empty();
        }
        synchronized (set) {
            return Optional.ofNullable(set.scores.get(member));
        }
    }

    @Override
    public Optional<Long> sortedRankDescending(String key, String member) {
        SortedSet set = sortedSet(key);
        if (set == null) {
            return Optional.empty();
        }
        List<ScoredMember> descending = set.sorted(true);
        for (int i = 0; i < descending.size(); i++) {
            if (descending.get(i).member().equals(member)) {
                return Optional.of((long) i);
            }
        }
        return Optional.empty();
    }

    /** One lock for the marker check and the score change of every ranked set of this container. */
    @Override
    public synchronized boolean rankedAddOnce(String key, String markersKey, String marker, String member, long points,
                                              long tick, java.time.Instant markedAt, java.time.Instant markersFrom,
                                              java.time.Instant expireAt) {
        RankedScore.check(points, tick);
        if (markedAt.isBefore(markersFrom)) {
            return false;
        }
        Duration ttl = Duration.ofMillis(Math.max(1, expireAt.toEpochMilli() - System.currentTimeMillis()));
        if (sortedSet(key) == null) {
            entries.remove(markersKey);
        }
        SortedSet set = structure(key, SortedSet.class, SortedSet::new, ttl, true);
        SortedSet markers = structure(markersKey, SortedSet.class, SortedSet::new, ttl, true);
        synchronized (set) {
            Double old = set.scores.get(member);
            if (old != null && !markers.scores.containsKey(SENTINEL + member)) {
                return false; // markers lost while the score stayed: only a rebuild may set it
            }
            if (markers.scores.putIfAbsent(marker, (double) markedAt.toEpochMilli()) != null) {
                return false;
            }
            markers.scores.put(SENTINEL + member, Double.POSITIVE_INFINITY);
            markers.scores.values().removeIf(at -> at < markersFrom.toEpochMilli());
            set.scores.put(member, RankedScore.add(old, points, tick));
        }
        return true;
    }

    @Override
    public synchronized boolean rankedSet(String key, String markersKey, String member, long points, long tick,
                                          Map<String, java.time.Instant> markers, java.time.Instant markersFrom,
                                          java.time.Instant expireAt) {
        RankedScore.check(points, tick);
        Duration ttl = Duration.ofMillis(Math.max(1, expireAt.toEpochMilli() - System.currentTimeMillis()));
        if (sortedSet(key) == null) {
            entries.remove(markersKey);
        }
        SortedSet set = structure(key, SortedSet.class, SortedSet::new, ttl, true);
        SortedSet marks = structure(markersKey, SortedSet.class, SortedSet::new, ttl, true);
        synchronized (set) {
            double score = RankedScore.of(points, tick);
            Double old = set.scores.put(member, score);
            markers.forEach((marker, at) -> {
                if (!at.isBefore(markersFrom)) {
                    marks.scores.put(marker, (double) at.toEpochMilli());
                }
            });
            marks.scores.put(SENTINEL + member, Double.POSITIVE_INFINITY);
            marks.scores.values().removeIf(at -> at < markersFrom.toEpochMilli());
            return old == null || old != score;
        }
    }

    @Override
    public Mode mode() {
        return Mode.MEMORY;
    }

    @Override
    public CacheStats stats() {
        return new CacheStats(hits.get(), misses.get());
    }
}
