package com.mallquest.core.cache;

import com.mallquest.local.services.RedisCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cache contract on a 3-master cluster over TLS (client and cluster bus), the shape of ElastiCache
 * Serverless: {@code rediss://}, {@code REDIS_CLUSTER=true}, host names verified against the certificate.
 */
class RedisCacheClusterTlsContractTest extends CacheContractTest {
    private static RedisCluster cluster;
    private RedisCache redis;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.startTls(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.stop();
    }

    @Override
    Cache newCache() {
        redis = RedisCache.create(new RedisOptions(cluster.seedUri(), true, Duration.ofSeconds(2), null)
                .withTrust(cluster.tls().sslSocketFactory()));
        return redis;
    }

    @AfterEach
    void close() {
        redis.close();
    }
}
