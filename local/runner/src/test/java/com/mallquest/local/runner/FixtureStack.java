package com.mallquest.local.runner;

import com.mallquest.local.services.MotoServer;
import com.mallquest.local.services.RepositoryRoot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds a throwaway project for the runner's own tests: {@code fixture-template.yaml} with the test handlers of
 * package {@code fixtures} packaged as {@code fixtures.jar}, in a temp dir, backed by the JVM's shared moto_server
 * with a unique table prefix.
 */
final class FixtureStack {
    /** Lines the runner printed (its own messages and the functions' logs), for assertions and diagnosis. */
    final List<String> lines = new CopyOnWriteArrayList<>();
    final Path root;
    final String tablePrefix = "rt-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    FixtureStack() {
        try {
            root = Files.createTempDirectory("runner-fixture-");
            try (InputStream template = FixtureStack.class.getResourceAsStream("/fixture-template.yaml")) {
                Files.copy(template, root.resolve("template.yaml"));
            }
            buildFixturesJar(root.resolve("fixtures.jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar of the test handlers (compiled into target/test-classes by Maven). */
    static void buildFixturesJar(Path jar) throws IOException {
        Path classes = Path.of(FixtureStack.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path fixtures = classes.resolve("com/mallquest/local/runner/fixtures");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.list(fixtures)) {
            for (Path file : files.toList()) {
                zip.putNextEntry(new JarEntry("com/mallquest/local/runner/fixtures/" + file.getFileName()));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
        }
    }

    /** The shell a developer would have: PATH (with node), the shared moto_server as DYNAMODB_ENDPOINT, plus {@code extra}. */
    static Map<String, String> shell(Map<String, String> extra) {
        Map<String, String> shell = new java.util.HashMap<>();
        shell.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        shell.put("DYNAMODB_ENDPOINT", MotoServer.shared().endpoint().toString());
        shell.putAll(extra);
        return shell;
    }

    static Path lambdaRuntime() {
        return RepositoryRoot.locate().resolve("local/runner/target/lambda-runtime");
    }

    LocalStack.Options options(Map<String, String> shell, Map<String, String> parameterOverrides, Optional<Path> envVars) {
        return options(shell, parameterOverrides, envVars, 2);
    }

    LocalStack.Options options(Map<String, String> shell, Map<String, String> parameterOverrides, Optional<Path> envVars,
                               int maxContainers) {
        return new LocalStack.Options(root, root.resolve("template.yaml"), shell, parameterOverrides, envVars, tablePrefix,
                maxContainers, lambdaRuntime(), lines::add, (id, line) -> lines.add("[" + id + "] " + line));
    }
}
