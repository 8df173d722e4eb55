package com.mallquest.core.platform.cache;

import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache contract on a 3-master cluster over TLS (client and cluster bus), the shape of ElastiCache
 * Serverless: {@code rediss://}, {@code REDIS_CLUSTER=true}, host names verified against the certificate.
 */
class RedisCacheClusterTlsContractTest extends CacheContractTest {
    @RegisterExtension
    static final OwnRedis<RedisCluster> cluster = OwnRedis.clusterTls(3);
    private RedisCache redis;

    @Override
    Cache newCache() {
        redis = RedisCache.create(new RedisOptions(cluster.uri(), true, Duration.ofSeconds(2), null)
                .withTrust(cluster.server().tls().sslSocketFactory()));
        return redis;
    }

    @AfterEach
    void close() {
        redis.close();
    }
}
