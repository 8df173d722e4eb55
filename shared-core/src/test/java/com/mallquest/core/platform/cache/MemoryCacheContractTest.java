package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

/** The cache contract on the in-memory adapter, and its bound. */
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

    @Test
    void bound_shouldHoldAtMostTheMaximum_droppingExpiredEntriesFirst_thenThoseNearestTheirExpiry() throws Exception {
        // GIVEN a cache of 10 entries: 5 that expire at once, 4 long-lived ones and one that lives a little less
        MemoryCache bounded = new MemoryCache(10);
        for (int i = 0; i < 5; i++) {
            bounded.set("short-" + i, "v", Duration.ofMillis(1));
        }
        for (int i = 0; i < 4; i++) {
            bounded.set("long-" + i, "v", Duration.ofHours(2));
        }
        bounded.set("sooner", "v", Duration.ofHours(1));
        Thread.sleep(5);
        // WHEN one more is written (11 > 10)
        bounded.increment("counter", 1, Duration.ofHours(2));
        // THEN only the expired went: everything live stays
        assertEquals(6, bounded.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(Optional.of("v"), bounded.get("long-" + i));
        }
        assertEquals(Optional.of("1"), bounded.get("counter"));

        // WHEN it outgrows the bound with live entries only
        for (int i = 0; i < 5; i++) {
            bounded.setIfAbsent("more-" + i, "v", Duration.ofHours(3));
        }
        // THEN it is back to 90 % of the bound, the entry nearest its expiry gone, the newest kept
        assertEquals(9, bounded.size());
        assertEquals(Optional.empty(), bounded.get("sooner"));
        assertEquals(Optional.of("v"), bounded.get("more-4"));
        assertTrue(bounded.hashGetAll("nothing").isEmpty());

        // AND a bound of many writes never holds more than the maximum
        MemoryCache small = new MemoryCache(100);
        for (int i = 0; i < 10_000; i++) {
            small.hashIncrement("h-" + i, "f", 1, Duration.ofMinutes(i % 50 + 1));
            assertTrue(small.size() <= 100, "size " + small.size() + " after " + i);
        }
    }
}
