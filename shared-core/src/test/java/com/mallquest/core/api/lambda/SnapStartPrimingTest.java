package com.mallquest.core.api.lambda;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.platform.wiring.Platform;

import com.mallquest.core.operations.fleet.FleetReader;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.EmfOutput;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SnapStart priming runs every route's action once before the checkpoint, against real DynamoDB (moto_server) and
 * Redis services that it must not touch: nothing is written, no metric is emitted, no fleet figure recorded; and
 * after the checkpoint the container's clients still work (Redis reconnects).
 */
class SnapStartPrimingTest {

    /** How many times any instance's write action ran (the priming copy's included). */
    static final AtomicInteger WRITES = new AtomicInteger();
    static final String ID = "prime-" + UUID.randomUUID().toString().substring(0, 8);

    /** A handler whose actions write to DynamoDB and to the cache: priming must run them without effect. */
    static final class WritingHandler extends ApiHandler {
        WritingHandler(Platform core) {
            super(core);
        }

        @Override
        protected List<Route> routes() {
            return List.of(
                    Route.post("/priming-test/things", Access.USER, r -> {
                        WRITES.incrementAndGet();
                        core.dynamoDb().putItem(b -> b.tableName(core.settings().usersTable()).item(Map.of(
                                "pk", AttributeValue.fromS("USER#" + ID), "sk", AttributeValue.fromS("THING#" + r.requireCaller().userId()))));
                        core.cache().set("mq:priming-test:" + ID, "written", Duration.ofMinutes(5));
                        fleet.business("PrimingTestWrites", 1);
                        return ApiResponse.created(Map.of("ok", true));
                    }),
                    Route.get("/priming-test/{userId}", Access.PUBLIC, r -> ApiResponse.ok(Map.of("cached",
                            core.cache().get("mq:priming-test:" + ID).orElse("none")))));
        }
    }

    @Test
    void beforeCheckpoint_shouldRunEveryRoute_withoutSideEffects_andTheClientsWorkAfter() throws Exception {
        // GIVEN a container on real DynamoDB and Redis
        TestStack stack = TestStack.empty("priming", Instant.now(), TestStack.sharedRedis());
        Platform core = TestStack.withClock(stack.core(), Clock.systemUTC());
        WritingHandler handler = new WritingHandler(core);
        int writesBefore = WRITES.get();

        // WHEN the runtime checkpoints (the resource ApiHandler registered), and priming is asked what it did
        Map<String, Integer>[] statuses = new Map[1];
        EmfOutput output = EmfOutput.capture(() -> {
            handler.priming.beforeCheckpoint(null);
            statuses[0] = handler.priming.prime();
            handler.priming.afterRestore(null);
        });

        // THEN every route's action ran (a priming copy on services that reach nothing)
        assertEquals(201, statuses[0].get("POST /priming-test/things"), statuses[0].toString());
        assertEquals(200, statuses[0].get("GET /priming-test/{userId}"), statuses[0].toString());
        assertEquals(404, statuses[0].get("unmatched"), statuses[0].toString());
        assertEquals(writesBefore + 2, WRITES.get(), "the write action ran once per priming, in the priming copy");
        // AND nothing left the process: no item, no cache key, no fleet figure, no EMF record, no log line
        assertEquals(0, stack.dynamo.query(q -> q.tableName(core.settings().usersTable())
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("USER#" + ID)))).count());
        assertTrue(core.cache().get("mq:priming-test:" + ID).isEmpty());
        assertFalse(new FleetReader(core.cache(), core.clock()).snapshot().routes().containsKey("POST /priming-test/things"));
        assertTrue(output.records().isEmpty(), output.output());
        assertTrue(output.output().isBlank(), output.output());

        // AND after the restore a real request reaches the real services again (Redis reconnects on first use)
        var response = handler.handleRequest(ApiEvents.request("POST", "/priming-test/things")
                .claims(Map.of("sub", "user-1")).header("Content-Type", "application/json").body("{}").build(), null);
        assertEquals(201, response.getStatusCode(), response.getBody());
        assertEquals("written", core.cache().get("mq:priming-test:" + ID).orElse(null));
        assertTrue(new FleetReader(core.cache(), core.clock()).snapshot().routes().containsKey("POST /priming-test/things"));
    }
}
