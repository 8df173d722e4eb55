package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisCluster;
import com.mallquest.local.testsupport.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The cache contract on a 3-master Redis Cluster (cluster client, as for ElastiCache Serverless). */
class RedisCacheClusterContractTest extends CacheContractTest {
    @RegisterExtension
    static final OwnRedis<RedisCluster> cluster = OwnRedis.cluster(3);
    private RedisCache redis;

    @Override
    Cache newCache() {
        redis = RedisCache.create(new RedisOptions(cluster.uri(), true, Duration.ofSeconds(2), null));
        return redis;
    }

    @AfterEach
    void close() {
        redis.close();
    }

    /** How many keys matching {@code pattern} each node holds. */
    private static List<Long> keysPerNode(String pattern) {
        List<Long> counts = new ArrayList<>();
        for (RedisServer node : cluster.server().nodes()) {
            try (RedisClient direct = RedisClient.create(node.uri())) {
                counts.add((long) direct.keys(pattern).size());
            }
        }
        return counts;
    }

    @Test
    void deleteByPrefix_shouldDeleteOnEveryMaster() {
        // GIVEN 30 keys with distinct hash tags under one prefix
        String prefix = CacheKeys.PREFIX + "spread-" + tag + ":";
        for (int i = 0; i < 30; i++) {
            cache.set(prefix + "{u" + i + "}", "v", LONG);
        }
        // THEN they live on every one of the 3 masters (otherwise this test would prove nothing)
        List<Long> before = keysPerNode(prefix + "*");
        assertEquals(30, before.stream().mapToLong(Long::longValue).sum());
        assertTrue(before.stream().allMatch(n -> n > 0), "keys per node: " + before);
        // WHEN the prefix is deleted
        assertEquals(30, cache.deleteByPrefix(prefix));
        // THEN no node keeps any
        assertEquals(List.of(0L, 0L, 0L), keysPerNode(prefix + "*"));
    }

    @Test
    void userKeys_shouldShareOneSlot_soScriptsOverThemWorkInClusterMode() {
        // GIVEN the keys of one user in different areas
        String view = CacheKeys.userView("alice");
        String limit = CacheKeys.forUser("rl:receipts", "alice", "123");
        // THEN they hash to one slot, and another user's to (very likely) another
        assertEquals(JedisClusterCRC16.getSlot(view), JedisClusterCRC16.getSlot(limit));
        assertTrue(JedisClusterCRC16.getSlot(view) != JedisClusterCRC16.getSlot(CacheKeys.userView("bob")));
    }
}
