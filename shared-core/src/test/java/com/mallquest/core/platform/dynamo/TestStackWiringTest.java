package com.mallquest.core.platform.dynamo;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.TestStack;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The settings a {@link TestStack} hands out wire a whole production Platform to the real servers. */
class TestStackWiringTest {

    @Test
    void fromEnvironment_shouldReachMotoServerTablesAndRedis_whenGivenTestStackSettings() throws Exception {
        // GIVEN a core built from a fresh TestStack's settings with the shared Redis
        TestStack stack = TestStack.empty("wiring", Instant.now(), TestStack.sharedRedis());
        Map<String, String> environment = stack.env;
        Platform core = Platform.fromEnvironment(environment);

        // WHEN it writes an item to the users table and a value to the cache
        Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("USER#wired"), "sk", AttributeValue.fromS("PROFILE"));
        core.dynamoDb().putItem(b -> b.tableName(core.settings().usersTable()).item(item));
        String key = "mq:test:{" + UUID.randomUUID() + "}:wired";
        core.cache().set(key, "yes", Duration.ofMinutes(1));

        // THEN the item is in that table on the shared moto_server, and the value is in the shared redis-server
        assertEquals(item, stack.dynamo.getItem(b -> b.tableName(environment.get("USERS_TABLE")).key(item)).item());
        assertEquals(Cache.Mode.REDIS, core.cache().mode());
        assertEquals("$3\r\nyes\r\n", redisGet(URI.create(environment.get("REDIS_URL")), key));
    }

    /** GET over a raw socket, so the check does not go through the code under test. */
    private static String redisGet(URI redis, String key) throws Exception {
        try (Socket socket = new Socket(redis.getHost(), redis.getPort())) {
            socket.setSoTimeout(2_000);
            String command = "*2\r\n$3\r\nGET\r\n$" + key.getBytes(StandardCharsets.UTF_8).length + "\r\n" + key + "\r\n";
            socket.getOutputStream().write(command.getBytes(StandardCharsets.UTF_8));
            byte[] reply = new byte[9];
            int read = socket.getInputStream().readNBytes(reply, 0, reply.length);
            return new String(reply, 0, read, StandardCharsets.UTF_8);
        }
    }
}
