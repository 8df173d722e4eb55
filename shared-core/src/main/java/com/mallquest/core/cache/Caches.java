package com.mallquest.core.cache;

import com.mallquest.core.config.Settings;

/** Builds the cache a container uses from its settings. */
public final class Caches {
    private Caches() { }

    /**
     * No {@code REDIS_URL}: the in-memory cache. With one: Redis behind the memory fallback.
     * TODO(cache): the Redis adapter and FallbackCache land with the cache work of the foundation issue.
     */
    public static Cache create(Settings settings) {
        return new MemoryCache();
    }
}
