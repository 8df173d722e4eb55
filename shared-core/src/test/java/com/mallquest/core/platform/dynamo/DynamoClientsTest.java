package com.mallquest.core.platform.dynamo;

import com.mallquest.core.platform.config.Settings;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DynamoClientsTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private DynamoDbClient clientFor(HttpServer s) {
        String endpoint = "http://127.0.0.1:" + s.getAddress().getPort();
        return DynamoClients.create(Settings.fromEnvironment(Map.of(
                "USERS_TABLE", "u", "RECEIPTS_TABLE", "r", "STORES_TABLE", "s", "DYNAMODB_ENDPOINT", endpoint)));
    }

    private HttpServer serve(int status, String type, long delayMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = ("{\"__type\":\"" + type + "\",\"message\":\"injected\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void create_shouldStopRetryingAfterThreeAttempts_whenDynamoDbKeepsFailing() throws IOException {
        // GIVEN an endpoint that always answers a retryable 500
        try (DynamoDbClient client = clientFor(serve(500, "com.amazonaws.dynamodb.v20120810#InternalServerError", 0))) {
            // WHEN
            assertThrows(SdkException.class, client::listTables);
        }
        // THEN the SDK default for DynamoDB would have made up to 9
        assertEquals(DynamoClients.MAX_ATTEMPTS, requests.get());
    }

    @Test
    void create_shouldGiveUpWithinTheCallBudget_whenDynamoDbHangs() throws IOException {
        // GIVEN an endpoint that answers after 30 s
        try (DynamoDbClient client = clientFor(serve(200, "none", 30_000))) {
            long started = System.nanoTime();
            // WHEN
            assertThrows(SdkException.class, client::listTables);
            // THEN
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(DynamoClients.CALL_TIMEOUT.plusSeconds(2)) < 0, "took " + took);
        }
    }
}
