package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.mallquest.local.testsupport.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The cache contract on the fallback: while Redis answers, and while it is unreachable (served from memory). */
class FallbackCacheContractTest {

    @Nested
    class OnRedis extends CacheContractTest {
        private RedisCache redis;

        @Override
        Cache newCache() {
            redis = RedisCache.create(new RedisOptions(RedisServer.shared().uri(), false, Duration.ofSeconds(2), null));
            return new FallbackCache(redis, new MemoryCache(), Duration.ofMinutes(1));
        }

        @AfterEach
        void close() {
            redis.close();
        }

        @Test
        void mode_shouldBeRedis() {
            cache.get(key("any"));
            assertEquals(Cache.Mode.REDIS, cache.mode());
            assertEquals(Cache.Mode.REDIS, cache.probe());
        }
    }

    @Nested
    class OnMemoryWhileRedisIsUnreachable extends CacheContractTest {
        private RedisCache redis;

        @Override
        Cache newCache() {
            // a port nothing listens on: every Redis call fails at once
            int closedPort = RedisServerPorts.closedPort();
            redis = RedisCache.create(new RedisOptions(java.net.URI.create("redis://127.0.0.1:" + closedPort), false,
                    Duration.ofMillis(500), null));
            return new FallbackCache(redis, new MemoryCache(), Duration.ofMinutes(1));
        }

        @AfterEach
        void close() {
            redis.close();
        }

        @Test
        void mode_shouldBeMemoryFallback() {
            cache.get(key("any"));
            assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());
            assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.probe());
        }
    }
}
