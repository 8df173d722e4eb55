package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.mallquest.local.testsupport.RedisServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache contract on Redis standalone (the JVM's shared redis-server). */
class RedisCacheContractTest extends CacheContractTest {
    private RedisCache redis;

    @Override
    Cache newCache() {
        redis = RedisCache.create(new RedisOptions(RedisServer.shared().uri(), false, Duration.ofSeconds(2), null));
        return redis;
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void mode_shouldBeRedis_andProbeShouldPing() {
        assertEquals(Cache.Mode.REDIS, cache.mode());
        assertEquals(Cache.Mode.REDIS, cache.probe());
    }

    @Test
    void beforeCheckpoint_shouldCloseTheClient_andTheNextCallShouldReconnect() throws Exception {
        // GIVEN a cache that has connected
        RedisConnection connection = new RedisConnection(new RedisOptions(RedisServer.shared().uri(), false, Duration.ofSeconds(2), null));
        var before = connection.client();
        before.set(key("snap"), "v");
        // WHEN SnapStart checkpoints and restores
        connection.beforeCheckpoint(null);
        connection.afterRestore(null);
        // THEN the next call runs on a new client
        var after = connection.client();
        assertNotSame(before, after);
        assertEquals(Optional.of("v"), Optional.ofNullable(after.get(key("snap"))));
        connection.close();
    }
}
