package com.mallquest.functions.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.cache.CacheStats;
import com.mallquest.core.operations.fleet.CacheServiceStatus;
import com.mallquest.core.operations.fleet.FleetRecorder;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fleet figures on a 3-master Redis Cluster (ElastiCache Serverless is always cluster mode): every
 * bucket is its own key and slot, and nothing needs a cross-slot command, for writing or for reading 15 minutes.
 */
class ClusterMetricsTest {

    @RegisterExtension
    static final OwnRedis<RedisCluster> cluster = OwnRedis.cluster(3);

    @Test
    void metrics_shouldAddUpAcrossContainers_onARedisCluster() throws Exception {
        // GIVEN two containers with cluster clients recording 30 and 12 requests, and business figures
        Map<String, String> env = cluster.environment();
        Platform a = Platform.fromEnvironment(env);
        Platform b = Platform.fromEnvironment(env);
        FleetRecorder fleetA = new FleetRecorder(a.cache(), a.clock());
        FleetRecorder fleetB = new FleetRecorder(b.cache(), b.clock());
        for (int i = 0; i < 30; i++) {
            fleetA.record("POST /receipts", 201, 25, new CacheStats(1, 0));
        }
        for (int i = 0; i < 12; i++) {
            fleetB.record("POST /receipts", 201, 25, new CacheStats(0, 1));
        }
        fleetB.business(FleetRecorder.COINS_AWARDED, 77);

        // WHEN an admin asks a third container
        String response = new MetricsHandler(Platform.fromEnvironment(env), CacheServiceStatus.NOT_IN_AWS)
                .handleRequest(ApiEvents.get("/metrics", ApiEvents.ADMIN), null).getBody();

        // THEN the cluster answered every read (scope fleet, mode redis) and the figures add up
        JsonNode body = Json.MAPPER.readTree(response);
        assertEquals("fleet", body.path("scope").asText(), response);
        assertEquals("redis", body.path("cache").path("mode").asText());
        assertEquals(42, body.path("routes").path("POST /receipts").path("15m").path("requests").asLong(), response);
        assertEquals(77, body.path("business").path("counters").path("CoinsAwarded").path("1m").asLong());
        assertEquals(30, body.path("cache").path("hitRatio").path("5m").path("hits").asLong());
        assertEquals(12, body.path("cache").path("hitRatio").path("5m").path("misses").asLong());
    }
}
