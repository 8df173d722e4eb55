package com.mallquest.functions.metrics;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.operations.fleet.CacheServiceStatus;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /health} in each state, against a real redis-server and moto_server. */
class HealthTest {

    @RegisterExtension
    final OwnRedis<RedisServer> redis = OwnRedis.standalone();
    private Map<String, String> env;

    @BeforeEach
    void start() {
        env = redis.environment();
        env.put("REDIS_TIMEOUT_MS", "300");
        env.put("REDIS_RETRY_INTERVAL_MS", "60000");
        env.put("HEALTH_DB_TIMEOUT_MS", "1000");
    }

    private APIGatewayV2HTTPResponse health(Map<String, String> environment) {
        // through ApiContract: every state's answer (the 503s included) must match openapi.yaml
        return ApiContract.handle(new MetricsHandler(Platform.fromEnvironment(environment), CacheServiceStatus.NOT_IN_AWS),
                ApiEvents.get("/health", null));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The answer names states only: no endpoint, port, table name or URL. */
    private void assertLeaksNothing(APIGatewayV2HTTPResponse response, String... secrets) {
        for (String secret : secrets) {
            assertFalse(response.getBody().contains(secret), "health leaks " + secret + ": " + response.getBody());
        }
    }

    @Test
    void health_shouldBeHealthy_whenDatabaseAndRedisAnswer() throws IOException {
        // GIVEN moto_server and Redis up / WHEN anyone (no token) asks
        APIGatewayV2HTTPResponse response = health(env);

        // THEN 200 healthy, both services up, Redis mode
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals("healthy", body.path("status").asText());
        assertEquals("up", body.path("services").path("database").path("status").asText());
        assertEquals("up", body.path("services").path("cache").path("status").asText());
        assertEquals("redis", body.path("services").path("cache").path("mode").asText());
        assertLeaksNothing(response, env.get("USERS_TABLE"), env.get("STORES_TABLE"), env.get("DYNAMODB_ENDPOINT"),
                String.valueOf(redis.server().port()), "redis://");
    }

    @Test
    void health_shouldBeDegraded200_whenRedisIsDown() throws IOException {
        // GIVEN Redis killed
        redis.server().kill();

        // WHEN health is asked
        APIGatewayV2HTTPResponse response = health(env);

        // THEN 200 degraded: the database is up, the cache serves from memory
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals("degraded", body.path("status").asText());
        assertEquals("up", body.path("services").path("database").path("status").asText());
        assertEquals("degraded", body.path("services").path("cache").path("status").asText());
        assertEquals("memory-fallback", body.path("services").path("cache").path("mode").asText());
        assertLeaksNothing(response, String.valueOf(redis.server().port()), "Connection", "Exception");
    }

    @Test
    void health_shouldBeUnhealthy503_whenTheDatabaseIsUnreachable() throws IOException {
        // GIVEN DynamoDB pointing at a closed port
        Map<String, String> broken = new HashMap<>(env);
        int port = closedPort();
        broken.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + port);

        // WHEN health is asked
        long started = System.nanoTime();
        APIGatewayV2HTTPResponse response = health(broken);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        // THEN 503 unhealthy, database down, within the probe's budget (plus handler setup), nothing leaked
        assertEquals(503, response.getStatusCode(), response.getBody());
        JsonNode body = json(response);
        assertEquals("unhealthy", body.path("status").asText());
        assertEquals("down", body.path("services").path("database").path("status").asText());
        assertEquals("up", body.path("services").path("cache").path("status").asText());
        assertTrue(tookMs < 5_000, "took " + tookMs + " ms");
        assertLeaksNothing(response, String.valueOf(port), "127.0.0.1", "Exception", env.get("STORES_TABLE"));
    }

    @Test
    void health_shouldBeUnhealthy_whenTheDatabaseDoesNotAnswerInTime() throws IOException {
        // GIVEN a "database" that accepts connections but never answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> hanging = new HashMap<>(env);
            hanging.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + silent.getLocalPort());
            hanging.put("HEALTH_DB_TIMEOUT_MS", "300");

            // WHEN health is asked
            long started = System.nanoTime();
            APIGatewayV2HTTPResponse response = health(hanging);
            long tookMs = (System.nanoTime() - started) / 1_000_000;

            // THEN the probe gives up after its own short timeout (not the client's 5 s socket timeout): 503
            assertEquals(503, response.getStatusCode(), response.getBody());
            assertEquals("down", json(response).path("services").path("database").path("status").asText());
            assertTrue(tookMs < 3_000, "took " + tookMs + " ms");
        }
    }
}
