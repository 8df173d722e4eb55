package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.services.DevReceiptSigner;
import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./mallquest catalogue import|export} against start-api over the repository's template: a mall's catalogue
 * goes in through the admin API, idempotently, comes back out equal, and the local seed is refused.
 */
class CatalogueCommandTest {

    private static LocalStack stack;
    private static LocalApi api;

    @BeforeAll
    static void start() {
        var root = RepositoryRoot.locate();
        stack = LocalStack.open(new LocalStack.Options(root, root.resolve("template.yaml"), FixtureStack.shell(Map.of()), Map.of(),
                Optional.empty(), "cat-" + UUID.randomUUID().toString().substring(0, 8) + "-", 1,
                FixtureStack.lambdaRuntime(), line -> { }, (id, line) -> { }), Optional.empty());
        api = LocalApi.start(stack, "127.0.0.1", 0, false);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static String adminToken() {
        return new LocalJwt(LocalJwt.DEVELOPMENT_SECRET, stack.template().jwtRules(), Clock.systemUTC()).issue("catalogue-op", List.of("admin"), 600);
    }

    /** Runs the command as {@code ./mallquest catalogue …} would; its stdout. */
    private static String run(String... words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> argv = new java.util.ArrayList<>(List.of(words).subList(1, words.length));
        argv.addAll(List.of("--api", "http://127.0.0.1:" + api.port(), "--token", adminToken()));
        assertEquals(0, MallCatalogueCommand.run(words[0], argv, new PrintStream(out, true, StandardCharsets.UTF_8)));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void catalogue_shouldRoundTrip_idempotently_andRefuseTheDevelopmentSeed(@TempDir Path dir) throws Exception {
        // GIVEN a mall's catalogue: one store with a till key, and one of its rewards
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String store = "pages-" + suffix;
        String x = DevReceiptSigner.x(DevReceiptSigner.generate().getPublic());
        Path file = dir.resolve("mall.json");
        Files.writeString(file, "{\"stores\":[{\"storeId\":\"" + store + "\",\"name\":\"Pages\",\"category\":\"books\",\"floor\":\"L2\","
                + "\"multiplier\":2.0,\"verification\":\"signed\",\"active\":true,\"keys\":[{\"kid\":\"" + store + "-till-1\",\"x\":\"" + x
                + "\",\"status\":\"active\"}]}],\"rewards\":[{\"rewardId\":\"" + store + "-bookmark\",\"title\":\"A bookmark\",\"storeId\":\""
                + store + "\",\"costCoins\":50,\"couponValidDays\":30}]}");

        // WHEN it is imported twice
        String first = run("import", file.toString());
        String second = run("import", file.toString());

        // THEN the first import writes the store, key and reward, the second changes nothing
        assertTrue(first.contains("1 stores created or changed, 1 keys registered or revoked, 1 rewards put"), first);
        assertTrue(second.contains("0 stores created or changed, 0 keys registered or revoked"), second);
        // AND the export holds them as imported
        JsonNode exported = JsonText.MAPPER.readTree(run("export"));
        JsonNode pages = null;
        for (JsonNode s : exported.path("stores")) {
            if (s.path("storeId").asText().equals(store)) {
                pages = s;
            }
        }
        assertTrue(pages != null, exported.toPrettyString());
        assertEquals("Pages", pages.path("name").asText());
        assertEquals(0, pages.path("multiplier").decimalValue().compareTo(new java.math.BigDecimal("2.0")));
        assertEquals(x, pages.path("keys").get(0).path("x").asText());
        assertFalse(pages.has("development"));
        assertTrue(exported.path("rewards").toString().contains(store + "-bookmark"), exported.path("rewards").toString());

        // AND the export of this local stack, which holds the development seed, is refused by the import before any write
        Path withSeed = dir.resolve("with-seed.json");
        Files.writeString(withSeed, exported.toString());
        UserError refused = assertThrows(UserError.class, () -> run("import", withSeed.toString()));
        assertTrue(refused.getMessage().contains("development data"), refused.getMessage());
    }
}
