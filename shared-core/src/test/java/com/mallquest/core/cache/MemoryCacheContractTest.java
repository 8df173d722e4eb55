package com.mallquest.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The cache contract on the in-memory adapter. */
class MemoryCacheContractTest extends CacheContractTest {
    @Override
    Cache newCache() {
        return new MemoryCache();
    }

    @Test
    void mode_shouldBeMemory() {
        assertEquals(Cache.Mode.MEMORY, cache.mode());
        assertEquals(Cache.Mode.MEMORY, cache.probe());
    }
}
