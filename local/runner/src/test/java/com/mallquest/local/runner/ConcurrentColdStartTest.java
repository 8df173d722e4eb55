package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent cold starts are safe: for every function of the repository's template.yaml, {@value #PARALLEL}
 * first requests at once start {@value #PARALLEL} containers together, and none of them crashes or answers 5xx.
 * (Before each container had its own copy of the runtime client's native library, JVMs starting together
 * overwrote one shared {@code /tmp/.libaws-lambda-jni.so} and died with SIGBUS.)
 */
class ConcurrentColdStartTest {

    private static final int PARALLEL = 8;
    private static final List<String> LOG = new CopyOnWriteArrayList<>();
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        Path root = RepositoryRoot.locate();
        stack = LocalStack.open(new LocalStack.Options(root, root.resolve("template.yaml"), FixtureStack.shell(Map.of()), Map.of(),
                Optional.of(root.resolve(Main.SAMPLE_ENV_VARS)), "cold-" + UUID.randomUUID().toString().substring(0, 8) + "-", PARALLEL,
                FixtureStack.lambdaRuntime(), LOG::add, (id, line) -> LOG.add("[" + id + "] " + line)), Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void parallelFirstRequests_shouldStartEveryContainer_withoutA5xx() throws Exception {
        List<String> failures = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(PARALLEL);
        try {
            for (String functionId : stack.template().functions().keySet()) {
                // GIVEN a function with no container yet, and its sample event from events/
                byte[] event = Files.readAllBytes(RepositoryRoot.locate().resolve("events/" + functionId + ".json"));
                LocalFunction function = stack.function(functionId);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<InvocationResult>> results = new ArrayList<>();
                // WHEN PARALLEL first requests arrive at once (each starts its own container)
                for (int i = 0; i < PARALLEL; i++) {
                    results.add(clients.submit(() -> {
                        go.await();
                        return function.invoke(event);
                    }));
                }
                go.countDown();
                // THEN every container started and every answer is a success or a 4xx, never a crash or a 5xx
                for (Future<InvocationResult> future : results) {
                    InvocationResult result = future.get();
                    if (!result.succeeded()) {
                        failures.add(functionId + ": " + result.outcome() + " " + result.payloadText());
                        continue;
                    }
                    JsonNode payload = JsonText.MAPPER.readTree(result.payload());
                    int status = payload.path("statusCode").asInt(200);
                    if (status >= 500) {
                        failures.add(functionId + ": " + status + " " + payload.path("body").asText());
                    }
                }
                function.close(); // frees the machine before the next function's PARALLEL JVMs
            }
        } finally {
            clients.shutdownNow();
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures) + "\nlog:\n" + String.join("\n", LOG));
    }
}
