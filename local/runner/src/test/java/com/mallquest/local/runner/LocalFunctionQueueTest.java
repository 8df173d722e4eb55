package com.mallquest.local.runner;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invocations that wait for a container (every container of the function busy, at {@code --max-containers}) get one
 * first come, first served, and never more than one invocation runs in a container at a time.
 */
class LocalFunctionQueueTest {

    private static final int WAITERS = 6;
    private static FixtureStack fixture;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        fixture = new FixtureStack();
        stack = LocalStack.open(fixture.options(FixtureStack.shell(Map.of()), Map.of(), Optional.empty(), 1), Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void waitingInvocations_shouldGetTheContainerInArrivalOrder() throws Exception {
        // GIVEN a function with at most one container, warm
        LocalFunction function = stack.function("PauseFunction");
        assertTrue(function.invoke(event("warm", 0)).succeeded(), String.join("\n", fixture.lines));
        ExecutorService clients = Executors.newFixedThreadPool(WAITERS + 1);
        List<String> finished = new CopyOnWriteArrayList<>();
        try {
            List<Future<?>> running = new ArrayList<>();
            // WHEN one invocation holds the container and more arrive one after another while it runs
            running.add(clients.submit(() -> run(function, "holder", 3_000, finished)));
            awaitTrue(() -> function.invocations() == 2);
            sleep(300);
            for (int i = 0; i < WAITERS; i++) {
                String name = "waiter-" + i;
                int queued = i + 1;
                running.add(clients.submit(() -> run(function, name, 50, finished)));
                awaitTrue(() -> function.waiting() == queued);
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        // THEN the container served them in the order they came, one at a time
        List<String> expected = new ArrayList<>(List.of("holder"));
        for (int i = 0; i < WAITERS; i++) {
            expected.add("waiter-" + i);
        }
        assertEquals(expected, finished);
        assertEquals(1, function.containers());
    }

    private static void run(LocalFunction function, String name, int pauseMs, List<String> finished) {
        InvocationResult result = function.invoke(event(name, pauseMs));
        assertTrue(result.succeeded(), result.payloadText());
        finished.add(result.payloadText().replace("\"", ""));
    }

    private static byte[] event(String name, int pauseMs) {
        return ("{\"name\":\"" + name + "\",\"pauseMs\":" + pauseMs + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting");
            sleep(5);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
