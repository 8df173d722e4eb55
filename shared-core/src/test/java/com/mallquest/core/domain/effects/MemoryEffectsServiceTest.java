package com.mallquest.core.domain.effects;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.MemoryCache;

/** The effect rules on the in-memory cache (no REDIS_URL, or Redis unreachable). */
class MemoryEffectsServiceTest extends EffectsServiceTest {
    private final Cache cache = new MemoryCache();

    @Override
    Cache cache() {
        return cache;
    }
}
