package com.mallquest.core.platform.cache;

import com.mallquest.core.platform.config.Settings;

/** Builds the cache a container uses from its settings. */
public final class Caches {
    private Caches() { }

    /**
     * No {@code REDIS_URL}: a {@link MemoryCache}. With one: a {@link FallbackCache} of a {@link RedisCache}
     * (cluster client when {@code REDIS_CLUSTER=true}) and a {@link MemoryCache}, retrying Redis every
     * {@code REDIS_RETRY_INTERVAL_MS} while it is out. Never connects here: a container starts while Redis is down.
     */
    public static Cache create(Settings settings) {
        if (settings.redisUrl().isEmpty()) {
            return new MemoryCache();
        }
        return new FallbackCache(RedisCache.create(RedisOptions.from(settings)), new MemoryCache(),
                settings.redisRetryInterval());
    }
}
