package com.mallquest.core.effects;

import com.mallquest.core.cache.Cache;
import com.mallquest.core.cache.MemoryCache;

/** The effect rules on the in-memory cache (no REDIS_URL, or Redis unreachable). */
class MemoryEffectsServiceTest extends EffectsServiceTest {
    private final Cache cache = new MemoryCache();

    @Override
    Cache cache() {
        return cache;
    }
}
