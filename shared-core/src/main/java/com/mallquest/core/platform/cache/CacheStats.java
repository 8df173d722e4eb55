package com.mallquest.core.platform.cache;

/** Cumulative hit and miss counts of {@link Cache#get}. */
public record CacheStats(long hits, long misses) {
    public CacheStats minus(CacheStats earlier) {
        return new CacheStats(hits - earlier.hits, misses - earlier.misses);
    }
}
