package com.mallquest.local.runner;

import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code start-api} in a JVM of its own, launched the way {@code ./mallquest} launches it: the runner's classes and its
 * runtime classpath ({@code target/lib}, what the launcher puts on {@code -cp}). Its output until it is ready has no
 * line from SLF4J itself: the libraries (the AWS SDK provisioning tables) log through the project's own backend
 * (shared-logging's Slf4jProvider), not into SLF4J's "no providers, NOP logger" warning.
 */
class StartApiProcessTest {

    @Test
    void startApi_shouldPrintNoSlf4jWarning_inItsOwnJvm() throws Exception {
        // GIVEN the runner's runtime classpath and a developer's shell (the shared moto_server, tables of their own)
        Path root = RepositoryRoot.locate();
        Path target = root.resolve("local/runner/target");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Dmallquest.repo.root=" + root,
                "-D" + Main.RUNTIME_LIB_PROPERTY + "=" + FixtureStack.lambdaRuntime(),
                "-cp", target.resolve("classes") + File.pathSeparator + target.resolve("lib") + File.separator + "*",
                Main.class.getName(), "start-api", "--port", "0",
                "--table-prefix", "slf4j-" + UUID.randomUUID().toString().substring(0, 8) + "-")
                .directory(root.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(FixtureStack.shell(Map.of()));

        // WHEN it starts, until its banner says it is ready
        List<String> output = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Process process = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    if (line.startsWith("Ready in")) {
                        ready.countDown();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process was stopped
            }
        }, "start-api-output");
        reader.start();
        try {
            assertTrue(ready.await(120, TimeUnit.SECONDS), "start-api did not get ready:\n" + String.join("\n", output));
        } finally {
            process.destroy(); // SIGTERM: its shutdown hook stops the API, the functions and its redis-server
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(5_000);
        }

        // THEN it served (the SDK ran: tables provisioned and seeded) and SLF4J said nothing
        String all = String.join("\n", output);
        assertTrue(all.contains("UsersTable with"), all);
        assertFalse(all.contains("SLF4J"), all);
    }
}
