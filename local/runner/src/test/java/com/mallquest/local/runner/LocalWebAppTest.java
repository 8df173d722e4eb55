package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web app on the runner's port: pages, assets (never outside web/dist), config.json, the dev sign-in. */
class LocalWebAppTest {

    @TempDir
    Path dist;

    private final LocalJwt jwt = new LocalJwt("test-secret", new LocalTemplate.JwtRules(Optional.empty(), List.of()), Clock.systemUTC());
    private LocalWebApp app;

    @BeforeEach
    void build() throws IOException {
        Files.writeString(dist.resolve("index.html"), "<h1>shopper</h1>");
        Files.writeString(dist.resolve("screen.html"), "<h1>screen</h1>");
        Files.writeString(dist.resolve("ops.html"), "<h1>ops</h1>");
        Files.createDirectories(dist.resolve("assets"));
        Files.writeString(dist.resolve("assets/app-1234.js"), "console.log(1)");
        Files.writeString(dist.resolve(".built"), "");
        Files.writeString(dist.getParent().resolve("secret.txt"), "outside");
        app = new LocalWebApp(dist, jwt, DevTokenGuard.of("127.0.0.1", 3000, false));
    }

    private Optional<ApiGatewayEvents.HttpReply> get(String path) {
        return app.serve(new ApiGatewayEvents.HttpRequest("GET", path, null, List.of(), new byte[0], "127.0.0.1", "HTTP/1.1"));
    }

    private static String body(ApiGatewayEvents.HttpReply reply) {
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    private static String header(ApiGatewayEvents.HttpReply reply, String name) {
        return reply.headers().stream().filter(h -> h.getKey().equals(name)).map(java.util.Map.Entry::getValue).findFirst().orElse(null);
    }

    @Test
    void pages_shouldBeServedAtTheirPaths_andNeverCached() {
        assertEquals("<h1>shopper</h1>", body(get("/").orElseThrow()));
        assertEquals("<h1>screen</h1>", body(get("/screen").orElseThrow()));
        assertEquals("<h1>ops</h1>", body(get("/ops").orElseThrow()));
        ApiGatewayEvents.HttpReply page = get("/screen/").orElseThrow();
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", header(page, "Content-Type"));
        assertEquals("no-cache", header(page, "Cache-Control"));
    }

    @Test
    void hashedAssets_shouldBeCachedForAYear() {
        ApiGatewayEvents.HttpReply asset = get("/assets/app-1234.js").orElseThrow();
        assertEquals("text/javascript; charset=utf-8", header(asset, "Content-Type"));
        assertTrue(header(asset, "Cache-Control").contains("immutable"));
    }

    @Test
    void pathsOutsideDist_orHidden_shouldNotBeServed() {
        for (String path : List.of("/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/.built", "/assets//app-1234.js",
                "/assets\\app-1234.js", "/nothing", "/assets/")) {
            assertTrue(get(path).isEmpty(), path);
        }
    }

    @Test
    void otherMethods_shouldBeLeftToTheApi() {
        assertTrue(app.serve(new ApiGatewayEvents.HttpRequest("POST", "/", null, List.of(), new byte[0], "127.0.0.1", "HTTP/1.1")).isEmpty());
    }

    @Test
    void aPageNotBuilt_shouldSay503AndHowToBuildIt() throws IOException {
        Files.delete(dist.resolve("ops.html"));
        ApiGatewayEvents.HttpReply reply = get("/ops").orElseThrow();
        assertEquals(503, reply.status());
        assertTrue(body(reply).contains("npm --prefix web run build"));
    }

    @Test
    void config_shouldSaySameOriginApiAndDevSignIn() {
        JsonNode config = JsonText.parse(get("/config.json").orElseThrow().body(), "config");
        assertEquals("", config.get("apiBase").asText());
        assertTrue(config.get("devSignIn").asBoolean());
    }

    @Test
    void devToken_shouldIssueATokenTheAuthorizerAccepts_andRefuseBadInput() {
        ApiGatewayEvents.HttpReply reply = devToken("{\"sub\":\"shopper-1\",\"groups\":[\"admin\"]}");
        assertEquals(200, reply.status());
        String token = JsonText.parse(reply.body(), "reply").get("token").asText();
        LocalJwt.Verified verified = jwt.verify("Bearer " + token).orElseThrow();
        assertEquals("shopper-1", verified.claims().get("sub"));
        assertEquals("[admin]", verified.claims().get("cognito:groups"));

        for (String bad : List.of("", "[]", "{}", "{\"sub\":\"a b\"}", "{\"sub\":42}", "{\"sub\":\"x\",\"groups\":\"admin\"}",
                "{\"sub\":\"x\",\"groups\":[\"a b\"]}", "{\"sub\":\"" + "x".repeat(129) + "\"}")) {
            ApiGatewayEvents.HttpReply refused = devToken(bad);
            assertEquals(400, refused.status(), bad);
            assertTrue(body(refused).contains("\"error\""), bad);
        }
        assertEquals(405, get("/local/dev-token").orElseThrow().status());
    }

    @Test
    void devToken_shouldCarryTheNameAndStore_asACognitoIdTokenDoes_whenGiven() {
        // GIVEN a dev sign-in with a name, a store and the store-manager group
        ApiGatewayEvents.HttpReply reply = devToken("{\"sub\":\"m-1\",\"groups\":[\"store-manager\"],\"name\":\" Maya Lopez \",\"storeId\":\"zara\"}");

        // THEN the token carries them as claims the authorizer passes on
        assertEquals(200, reply.status());
        LocalJwt.Verified verified = jwt.verify("Bearer " + JsonText.parse(reply.body(), "reply").get("token").asText()).orElseThrow();
        assertEquals("Maya Lopez", verified.claims().get("name"));
        assertEquals("zara", verified.claims().get("custom:storeId"));
        // AND a name or store that is not one is refused
        for (String bad : List.of("{\"sub\":\"x\",\"name\":\"\"}", "{\"sub\":\"x\",\"name\":\"" + "n".repeat(81) + "\"}",
                "{\"sub\":\"x\",\"name\":\"a\\nb\"}", "{\"sub\":\"x\",\"name\":7}", "{\"sub\":\"x\",\"storeId\":\"Zara Store\"}")) {
            assertEquals(400, devToken(bad).status(), bad);
        }
    }

    @Test
    void devToken_shouldBeRefused_whenAddressedByAnotherName() {
        // GIVEN the dev sign-in asked through a name that is not this runner's loopback (a DNS-rebinding page)
        ApiGatewayEvents.HttpReply reply = app.serve(new ApiGatewayEvents.HttpRequest("POST", "/local/dev-token", null,
                List.of(java.util.Map.entry("Host", "rebound.example:3000")),
                "{\"sub\":\"x\",\"groups\":[\"admin\"]}".getBytes(StandardCharsets.UTF_8), "127.0.0.1", "HTTP/1.1")).orElseThrow();
        // THEN 403 JSON, no token
        assertEquals(403, reply.status());
        assertEquals("forbidden", JsonText.parse(reply.body(), "reply").at("/error/code").asText());
    }

    private ApiGatewayEvents.HttpReply devToken(String json) {
        return app.serve(new ApiGatewayEvents.HttpRequest("POST", "/local/dev-token", null,
                List.of(java.util.Map.entry("Host", "127.0.0.1:3000")),
                json.getBytes(StandardCharsets.UTF_8), "127.0.0.1", "HTTP/1.1")).orElseThrow();
    }
}
