package com.mallquest.functions.metrics;

import com.mallquest.core.testing.RoleMatrix;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.cache.CacheStats;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.operations.fleet.CacheServiceStatus;
import com.mallquest.core.operations.fleet.FleetRecorder;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.EmfOutput;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} against a real redis-server (its own, so no other test's traffic lands in the
 * fleet's buckets) and moto_server: several containers, each with its own clients, add up to one fleet.
 */
class MetricsHandlerTest {

    @RegisterExtension
    final OwnRedis<RedisServer> redis = OwnRedis.standalone();
    private Map<String, String> env;

    @BeforeEach
    void startRedis() {
        env = redis.environment();
        env.put("REDIS_TIMEOUT_MS", "300");
        env.put("REDIS_RETRY_INTERVAL_MS", "60000");
    }

    /** A new container: its own settings, DynamoDB client, Redis connection and fallback memory. */
    private Platform container() {
        return Platform.fromEnvironment(env);
    }

    private static void record(Platform container, String route, int status, double millis, int times) {
        FleetRecorder fleet = new FleetRecorder(container.cache(), container.clock());
        for (int i = 0; i < times; i++) {
            fleet.record(route, status, millis, new CacheStats(0, 0));
        }
    }

    @Test
    void metrics_shouldAddUpEveryContainersRequests_intoFleetFigures() {
        // GIVEN three containers recording a known latency distribution (100 requests) and business figures:
        //   A: 50 x 8 ms, B: 45 x 40 ms, C: 4 x 700 ms (200) + 1 x 700 ms (500)
        Platform a = container();
        Platform b = container();
        Platform c = container();
        record(a, "POST /receipts", 201, 8, 50);
        record(b, "GET /users/{userId}", 200, 40, 45);
        record(c, "POST /receipts", 201, 700, 4);
        record(c, "POST /receipts", 500, 700, 1);
        new FleetRecorder(a.cache(), a.clock()).business(FleetRecorder.RECEIPTS_CREDITED, 3);
        new FleetRecorder(b.cache(), b.clock()).business(FleetRecorder.RECEIPTS_CREDITED, 2);
        new FleetRecorder(b.cache(), b.clock()).business(FleetRecorder.COINS_AWARDED, 250);
        // AND two users with an active effect (triggered on container C)
        EffectsService effects = new EffectsService(c.cache(), c.clock(), c.settings());
        effects.publish("fx-user-1", "store_promo", Map.of());
        effects.publish("fx-user-2", "store_promo", Map.of());
        // AND three real health requests answered by container A's handler (recorded by ApiHandler's hook)
        MetricsHandler handlerA = new MetricsHandler(a, CacheServiceStatus.NOT_IN_AWS);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, ApiContract.handle(handlerA, ApiEvents.get("/health", null)).getStatusCode());
        }

        // WHEN an admin asks a fourth container
        APIGatewayV2HTTPResponse response = new MetricsHandler(container(), CacheServiceStatus.NOT_IN_AWS)
                .handleRequest(ApiEvents.get("/metrics", ApiEvents.ADMIN), null);

        // THEN the figures are the fleet's: every container's requests, exact mean, percentiles within a bucket
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals("fleet", body.path("scope").asText());
        JsonNode receipts = body.path("routes").path("POST /receipts").path("1m");
        assertEquals(55, receipts.path("requests").asLong());
        assertEquals(1, receipts.path("serverErrors").asLong());
        JsonNode users = body.path("routes").path("GET /users/{userId}").path("5m");
        assertEquals(45, users.path("requests").asLong());
        assertEquals(40.0, users.path("averageMs").asDouble(), 0.001);
        assertEquals(3, body.path("routes").path("GET /health").path("1m").path("requests").asLong());

        // AND the receipts route's percentiles (50 x 8 ms, 5 x 700 ms) lie in the buckets of the exact
        // nearest-rank values: p50 (rank 28) = 8 ms in (5, 10]; p95 (rank 53) and p99 (rank 55) = 700 ms in (500, 750]
        assertTrue(receipts.path("p50Ms").asDouble() > 5 && receipts.path("p50Ms").asDouble() <= 10, receipts.toString());
        assertTrue(receipts.path("p95Ms").asDouble() > 500 && receipts.path("p95Ms").asDouble() <= 750, receipts.toString());
        assertTrue(receipts.path("p99Ms").asDouble() > 500 && receipts.path("p99Ms").asDouble() <= 750, receipts.toString());
        assertEquals((50 * 8 + 5 * 700) / 55.0, receipts.path("averageMs").asDouble(), 0.001);
        assertEquals(Math.round(1000 / 55.0) / 1000.0, receipts.path("errorRate").asDouble(), 0.0005);

        // AND the system figures are the sum of every route, over the window's actual length
        JsonNode system = body.path("system").path("1m");
        assertEquals(103, system.path("requests").asLong());
        assertEquals(1, system.path("serverErrors").asLong());
        double seconds = system.path("seconds").asDouble();
        assertTrue(seconds >= 50.0 && seconds <= 60.0, "seconds " + seconds);
        assertEquals(103 / seconds, system.path("requestsPerSecond").asDouble(), 0.01);

        JsonNode business = body.path("business").path("counters");
        assertEquals(5, business.path("ReceiptsCredited").path("15m").asLong());
        assertEquals(250, business.path("CoinsAwarded").path("1m").asLong());
        assertEquals(2, body.path("business").path("activeEffectTargets").asLong());

        JsonNode cache = body.path("cache");
        assertEquals("redis", cache.path("mode").asText());
        assertTrue(cache.path("redisReachable").asBoolean());
        assertFalse(cache.path("service").path("checked").asBoolean());
        assertTrue(body.path("runtime").path("heapUsedBytes").asLong() > 0);
        assertTrue(body.path("runtime").has("uptimeSeconds"));
    }

    @Test
    void metrics_shouldMatchTheKnownPercentiles_withinTheHistogramsResolution() {
        // GIVEN 1000 requests spread over four containers: 900 x 12 ms, 90 x 180 ms, 10 x 2500 ms
        Platform[] fleet = {container(), container(), container(), container()};
        for (int i = 0; i < 1000; i++) {
            double ms = i < 900 ? 12 : i < 990 ? 180 : 2500;
            record(fleet[i % 4], "GET /stores", 200, ms, 1);
        }

        // WHEN an admin reads the metrics
        JsonNode routes = json(new MetricsHandler(container(), CacheServiceStatus.NOT_IN_AWS)
                .handleRequest(ApiEvents.get("/metrics", ApiEvents.ADMIN), null)).path("routes").path("GET /stores").path("15m");

        // THEN p50 (rank 500: 12 ms) lies in (10, 20], p95 (rank 950: 180 ms) in (150, 200],
        // p99 (rank 990: 180 ms) in (150, 200]; the mean is exact
        assertEquals(1000, routes.path("requests").asLong());
        assertTrue(routes.path("p50Ms").asDouble() > 10 && routes.path("p50Ms").asDouble() <= 20, routes.toString());
        assertTrue(routes.path("p95Ms").asDouble() > 150 && routes.path("p95Ms").asDouble() <= 200, routes.toString());
        assertTrue(routes.path("p99Ms").asDouble() > 150 && routes.path("p99Ms").asDouble() <= 200, routes.toString());
        assertEquals((900 * 12 + 90 * 180 + 10 * 2500) / 1000.0, routes.path("averageMs").asDouble(), 0.001);
    }

    @Test
    void metrics_shouldBeForAdminsOnly() {
        // GIVEN the metrics function
        MetricsHandler handler = new MetricsHandler(container(), CacheServiceStatus.NOT_IN_AWS);

        // WHEN called without a token, by a shopper, and by an admin
        APIGatewayV2HTTPResponse anonymous = ApiContract.handle(handler, ApiEvents.get("/metrics", null));
        APIGatewayV2HTTPResponse shopper = ApiContract.handle(handler, ApiEvents.get("/metrics", ApiEvents.SHOPPER));
        APIGatewayV2HTTPResponse admin = ApiContract.handle(handler, ApiEvents.get("/metrics", ApiEvents.ADMIN));

        // THEN 401, 403 (without figures), 200
        assertEquals(401, anonymous.getStatusCode());
        assertEquals(403, shopper.getStatusCode());
        assertFalse(shopper.getBody().contains("system"));
        assertEquals("forbidden", json(shopper).path("error").path("code").asText());
        assertEquals(200, admin.getStatusCode());
    }

    @Test
    void metrics_shouldReportThisInstanceAlone_whileRedisIsDown() {
        // GIVEN the fleet recorded 40 requests in Redis
        Platform other = container();
        record(other, "POST /receipts", 201, 20, 40);
        Platform self = container();
        MetricsHandler handler = new MetricsHandler(self, CacheServiceStatus.NOT_IN_AWS);

        // WHEN Redis dies, this container answers 2 health checks, then an admin reads the metrics
        redis.server().kill();
        ApiContract.handle(handler, ApiEvents.get("/health", null));
        ApiContract.handle(handler, ApiEvents.get("/health", null));
        APIGatewayV2HTTPResponse response = ApiContract.handle(handler, ApiEvents.get("/metrics", ApiEvents.ADMIN));

        // THEN it still answers, says the figures are this instance's alone, and they are: 2 requests, not 40
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals("instance", body.path("scope").asText());
        assertTrue(body.path("scopeNote").asText().contains("Redis is unreachable"));
        assertEquals("memory-fallback", body.path("cache").path("mode").asText());
        assertFalse(body.path("cache").path("redisReachable").asBoolean());
        assertEquals(2, body.path("system").path("1m").path("requests").asLong());
        assertFalse(body.path("routes").has("POST /receipts"));
    }

    @Test
    void metrics_shouldEmitTheFleetFiguresAsEmf() throws Exception {
        // GIVEN 10 requests of 30 ms recorded by another container
        record(container(), "GET /stores", 200, 30, 10);
        MetricsHandler handler = new MetricsHandler(container(), CacheServiceStatus.NOT_IN_AWS);

        // WHEN an admin reads the metrics, with stdout (where EMF goes outside Lambda too) captured
        EmfOutput captured = EmfOutput.capture(() ->
                assertEquals(200, ApiContract.handle(handler, ApiEvents.get("/metrics", ApiEvents.ADMIN)).getStatusCode()));

        // THEN the invocation's EMF record carries the headline figures, declared as metrics of the namespace
        List<JsonNode> records = captured.records();
        assertEquals(1, records.size(), captured.output());
        JsonNode emf = records.get(0);
        assertEquals(10 / json(ApiContract.handle(handler, ApiEvents.get("/metrics", ApiEvents.ADMIN)))
                .path("system").path("1m").path("seconds").asDouble(), emf.path("FleetRequestsPerSecond").asDouble(), 0.01);
        assertTrue(emf.path("FleetLatencyP99").asDouble() > 20 && emf.path("FleetLatencyP99").asDouble() <= 30);
        assertEquals(30.0, emf.path("FleetLatencyAverage").asDouble(), 0.001);
        assertEquals(0, emf.path("FleetErrorRate").asDouble(), 0.0);
        assertEquals(1, emf.path("CacheRedisReachable").asInt());
        assertTrue(emf.path("HeapUsed").asLong() > 0);
        assertTrue(emf.has("UptimeSeconds"));
        assertEquals(0, emf.path("FleetReceiptsCredited1m").asInt());
        assertEquals("fleet", emf.path("fleetScope").asText());
        String declared = emf.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics").toString();
        assertTrue(declared.contains("FleetLatencyP95") && declared.contains("Latency"), declared);
    }

    @Test
    void authorizationMatrix_shouldHold_forEveryRouteAndRole() {
        // GIVEN the operations routes: fleet figures for admins, health for anyone
        MetricsHandler handler = new MetricsHandler(container(), CacheServiceStatus.NOT_IN_AWS);
        RoleMatrix matrix = new RoleMatrix(handler, "zara", "hm");
        // WHEN every route is called as every role THEN:               anon user staffA mgrA staffB mgrB admin
        matrix.row("GET /metrics", c -> ApiContract.handle(handler, ApiEvents.request("GET", "/metrics").claims(c).build()),
                        401, 403, 403, 403, 403, 403, 200)
                .row("GET /health", c -> ApiContract.handle(handler, ApiEvents.request("GET", "/health").claims(c).build()),
                        200, 200, 200, 200, 200, 200, 200)
                .assertAll();
    }
}
