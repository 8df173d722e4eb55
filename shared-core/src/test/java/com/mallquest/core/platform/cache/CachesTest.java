package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.mallquest.core.platform.config.Settings;
import com.mallquest.local.testsupport.RedisServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CachesTest {
    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("USERS_TABLE", "u", "RECEIPTS_TABLE", "r", "STORES_TABLE", "s"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void create_shouldBeMemoryOnly_whenNoRedisUrl() {
        Cache cache = Caches.create(Settings.fromEnvironment(env()));
        assertInstanceOf(MemoryCache.class, cache);
        assertEquals(Cache.Mode.MEMORY, cache.mode());
    }

    @Test
    void create_shouldUseRedisBehindTheFallback_whenRedisUrlIsSet() {
        // GIVEN REDIS_URL of a live server
        Cache cache = Caches.create(Settings.fromEnvironment(env("REDIS_URL", RedisServer.shared().uri().toString())));
        // THEN values go to Redis
        assertInstanceOf(FallbackCache.class, cache);
        cache.set("mq:t:{caches}:k", "v", Duration.ofMinutes(1));
        assertEquals(Cache.Mode.REDIS, cache.probe());
        Cache other = Caches.create(Settings.fromEnvironment(env("REDIS_URL", RedisServer.shared().uri().toString())));
        assertEquals(Optional.of("v"), other.get("mq:t:{caches}:k")); // another "container" sees it
    }

    @Test
    void create_shouldUseTheClusterClient_whenRedisClusterIsTrue() {
        // GIVEN REDIS_CLUSTER=true against a standalone server (cluster support disabled)
        Cache cache = Caches.create(Settings.fromEnvironment(env(
                "REDIS_URL", RedisServer.shared().uri().toString(), "REDIS_CLUSTER", "true")));
        // THEN the cluster client is used: it cannot discover slots there, so the cache falls back
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.probe());
    }
}
