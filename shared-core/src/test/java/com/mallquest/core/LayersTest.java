package com.mallquest.core;

import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The import rules that keep the layers apart (docs/architecture.md). shared-core holds four layers, each a
 * package under {@code com.mallquest.core}:
 * <ul>
 *   <li>{@code platform}: configuration, wiring of the clients, JSON, DynamoDB and cache adapters, metrics,
 *       identity, errors. It knows nothing of the mall: it imports no other layer.</li>
 *   <li>{@code domain}: ledger, receipts, earning, spending, gamification, users, effects, stores, admin,
 *       cleanup. It imports the platform only (and never the container's wiring: services are built by the
 *       composition root and passed in).</li>
 *   <li>{@code operations}: fleet figures and health. Platform and domain only.</li>
 *   <li>{@code api}: the Lambda entry, the HTTP model, the mapping of domain errors to HTTP, and the
 *       composition root. It may import every other layer.</li>
 * </ul>
 * Outside shared-core: {@code local/} (the runner and its test services) and {@code shared-logging} import
 * nothing of the application.
 */
class LayersTest {

    private static final Path ROOT = RepositoryRoot.locate();
    private static final Path CORE = ROOT.resolve("shared-core/src/main/java/com/mallquest/core");
    /** A reference to a package of the project, in an import or written out in the code. */
    private static final Pattern REFERENCE = Pattern.compile("\\bcom\\.mallquest\\.([a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)*)");

    /** For each layer, the packages (under {@code com.mallquest.}) it may not name. */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "platform", List.of("core.domain", "core.api", "core.operations", "functions"),
            "domain", List.of("core.api", "core.operations", "core.platform.wiring", "functions"),
            "operations", List.of("core.api", "functions"),
            "api", List.of("functions"));

    @Test
    void sharedCore_shouldHoldFourLayersOnly() {
        // GIVEN the top-level packages of shared-core
        List<String> packages = list(CORE).stream().filter(Files::isDirectory)
                .map(p -> p.getFileName().toString()).sorted().toList();
        // THEN they are the layers, and no class sits beside them
        assertEquals(List.of("api", "domain", "operations", "platform"), packages);
        assertEquals(List.of(), list(CORE).stream().filter(Files::isRegularFile).toList());
    }

    @Test
    void eachLayer_shouldNameOnlyTheLayersBelowIt() {
        List<String> violations = new ArrayList<>();
        FORBIDDEN.forEach((layer, forbidden) -> javaFiles(CORE.resolve(layer)).forEach(file ->
                violations.addAll(references(file, forbidden))));
        assertEquals(List.of(), violations);
    }

    @Test
    void localAndLogging_shouldNameNothingOfTheApplication() {
        List<String> violations = new ArrayList<>();
        for (String module : List.of("local", "shared-logging")) {
            javaFiles(ROOT.resolve(module)).forEach(file ->
                    violations.addAll(references(file, List.of("core", "functions"))));
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void references_shouldFindAnImportAcrossLayers() {
        // The rule is only as good as its reading of a file: a domain class importing the API layer is caught.
        List<String> found = references("import com.mallquest.core.api.http.ApiException;\n",
                Path.of("domain/ledger/Ledger.java"), FORBIDDEN.get("domain"));
        assertEquals(1, found.size());
        assertFalse(references("import com.mallquest.core.platform.json.Json;\n",
                Path.of("domain/ledger/Ledger.java"), FORBIDDEN.get("domain")).size() > 0);
    }

    private static List<String> references(Path file, List<String> forbidden) {
        try {
            return references(Files.readString(file), ROOT.relativize(file), forbidden);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> references(String source, Path file, List<String> forbidden) {
        List<String> found = new ArrayList<>();
        Matcher m = REFERENCE.matcher(source);
        while (m.find()) {
            String named = m.group(1);
            for (String f : forbidden) {
                if (named.equals(f) || named.startsWith(f + ".")) {
                    found.add(file + " names com.mallquest." + f);
                    break;
                }
            }
        }
        return found;
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
