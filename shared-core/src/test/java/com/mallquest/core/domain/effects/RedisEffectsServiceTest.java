package com.mallquest.core.domain.effects;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.RedisCache;
import com.mallquest.core.platform.cache.RedisOptions;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

/**
 * The effect rules on a real redis-server of this class's own (the cleanup index is one key for all
 * targets: a server shared with other classes would mix their targets into the cleanup counts).
 */
class RedisEffectsServiceTest extends EffectsServiceTest {
    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();
    private final RedisCache cache = RedisCache.create(new RedisOptions(redis.uri(), false, Duration.ofSeconds(2), null));

    @Override
    Cache cache() {
        return cache;
    }

    @AfterEach
    void close() {
        cache.close();
    }
}
