package com.mallquest.core.domain.effects;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.RedisCache;
import com.mallquest.core.platform.cache.RedisOptions;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

/**
 * The effect rules on a 3-master Redis Cluster with the cluster client (as on ElastiCache Serverless):
 * targets spread over slots and the cleanup index lives in its own slot; no command crosses slots.
 */
class RedisClusterEffectsServiceTest extends EffectsServiceTest {
    @RegisterExtension
    static final OwnRedis<RedisCluster> cluster = OwnRedis.cluster(3);
    private RedisCache cache;

    @Override
    Cache cache() {
        if (cache == null) {
            cache = RedisCache.create(new RedisOptions(cluster.uri(), true, Duration.ofSeconds(2), null));
        }
        return cache;
    }

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }
}
