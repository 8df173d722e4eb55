package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.mallquest.local.services.DevReceiptSigner;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * start-api over the repository's own template.yaml and function artifacts, on a free port: every declared
 * route answers, with the authorizer in front of the protected ones.
 */
class StartApiTemplateTest {

    private static LocalStack stack;
    private static LocalApi api;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> LOG = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        var root = RepositoryRoot.locate();
        stack = LocalStack.open(new LocalStack.Options(root, root.resolve("template.yaml"), FixtureStack.shell(Map.of()), Map.of(),
                Optional.empty(), "api-" + UUID.randomUUID().toString().substring(0, 8) + "-", 1,
                FixtureStack.lambdaRuntime(), LOG::add, (id, line) -> LOG.add("[" + id + "] " + line)), Optional.empty());
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

    /**
     * The request a client would send to {@code route}: the function's sample from events/ when that sample is
     * for this route (its path and body), else the route's path with every parameter set to the seeded
     * {@code demo-user} and an empty JSON object as the body.
     */
    private record RouteRequest(String path, String body, boolean fromSample) { }

    private static RouteRequest requestFor(LocalTemplate.Route route) throws java.io.IOException {
        java.nio.file.Path sample = RepositoryRoot.locate().resolve("events/" + route.functionId() + ".json");
        JsonNode event = JsonText.MAPPER.readTree(java.nio.file.Files.readAllBytes(sample));
        if (route.routeKey().equals(event.path("routeKey").asText())) {
            return new RouteRequest(event.path("rawPath").asText(), event.has("body") ? event.get("body").asText() : "{}", true);
        }
        return new RouteRequest(route.path().replaceAll("\\{[^}]+}", "demo-user"), "{}", false);
    }

    /** What a client sends to a route: a path with real ids and a body, where the sample's would not do. */
    private record Call(String path, String body) { }

    private static final DevReceiptSigner SIGNER = DevReceiptSigner.load(RepositoryRoot.locate());
    private static final String TEST_KEY_X = DevReceiptSigner.x(DevReceiptSigner.generate().getPublic());

    /**
     * The request for {@code route}: {@link #requestFor} unless the route needs real inputs to succeed and this test
     * makes them ({@link #MADE}): a receipt code signed now (start-api enforces the production claim window), a
     * store key to register or revoke, a receipt waiting for review to approve or reject.
     */
    /** Routes whose inputs {@link #call} makes, so they must succeed. */
    private static final java.util.Set<String> MADE = java.util.Set.of("POST /receipts", "PUT /admin/stores/{storeId}/keys/{kid}",
            "DELETE /admin/stores/{storeId}/keys/{kid}", "GET /admin/stores/{storeId}/keys",
            "POST /admin/receipts/{storeId}/{receiptId}/approve", "POST /admin/receipts/{storeId}/{receiptId}/reject");

    private static Call call(LocalTemplate.Route route, Optional<String> token) throws Exception {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String jwk = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + TEST_KEY_X + "\"}";
        switch (route.routeKey()) {
            case "POST /receipts":
                return new Call("/receipts", "{\"code\":\"" + SIGNER.sign("zara", "SA-" + unique, new BigDecimal("12.50"),
                        Instant.now().minusSeconds(60), null) + "\"}");
            case "PUT /admin/stores/{storeId}/keys/{kid}":
                return new Call("/admin/stores/zara/keys/start-api-test", jwk);
            case "DELETE /admin/stores/{storeId}/keys/{kid}":
                if (token.isPresent()) { // a key of its own to revoke
                    raw("PUT", "/admin/stores/zara/keys/start-api-revoke-" + unique, jwk, token);
                }
                return new Call("/admin/stores/zara/keys/start-api-revoke-" + unique, null);
            case "GET /admin/stores/{storeId}/keys":
                return new Call("/admin/stores/zara/keys", null);
            case "POST /admin/receipts/{storeId}/{receiptId}/approve":
            case "POST /admin/receipts/{storeId}/{receiptId}/reject":
                if (token.isPresent()) { // an unsigned receipt of a review store, submitted by a shopper, waiting for review
                    // (a second identity: nobody approves or rejects a receipt they submitted themselves, own_receipt)
                    raw("POST", "/receipts", "{\"receiptId\":\"SR-" + unique + "\",\"storeId\":\"waterstones\",\"amount\":5.00,"
                            + "\"purchasedAt\":\"" + Instant.now().minusSeconds(60) + "\"}", Optional.of(token("start-api-shopper-" + unique)));
                }
                return new Call(route.path().replace("{storeId}", "waterstones").replace("{receiptId}", "SR-" + unique),
                        route.path().endsWith("/reject") ? "{\"reason\":\"start-api template test\"}" : null);
            default:
                RouteRequest sample = requestFor(route);
                return new Call(sample.path(), route.method().equals("GET") || route.method().equals("DELETE") ? null : sample.body());
        }
    }

    private static HttpResponse<String> send(LocalTemplate.Route route, Optional<String> token) throws Exception {
        Call call = call(route, token);
        return raw(route.method(), call.path(), call.body(), token);
    }

    private static HttpResponse<String> raw(String method, String path, String body, Optional<String> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body != null ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String sub, String... groups) {
        return new LocalJwt(LocalJwt.DEVELOPMENT_SECRET, stack.template().jwtRules(), Clock.systemUTC()).issue(sub, List.of(groups), 600);
    }

    /**
     * What "answers" means for a route. A route called with its function's sample request, or a GET without
     * path parameters (a list, the caller's own data), must succeed; /health may honestly report 503 when a
     * dependency is degraded. A route whose path names a resource ({@code /coupons/{couponCode}},
     * {@code /admin/rewards/{rewardId}}, …) called with a placeholder id cannot be expected to find it: it must
     * answer in the API's error model with a 4xx, never a 5xx (its success is proven by its function's tests).
     */
    private static boolean succeeded(LocalTemplate.Route route, HttpResponse<String> response) throws Exception {
        int status = response.statusCode();
        boolean ok = status >= 200 && status < 300;
        if (route.path().equals("/health")) {
            return ok || (status == 503 && response.body().contains("status"));
        }
        boolean mustSucceed = MADE.contains(route.routeKey()) || requestFor(route).fromSample()
                || (route.method().equals("GET") && !route.path().contains("{"));
        if (ok || mustSucceed) {
            return ok;
        }
        return status >= 400 && status < 500 && JsonText.MAPPER.readTree(response.body()).path("error").path("code").isTextual();
    }

    @Test
    void everyDeclaredRoute_shouldAnswer_withTheAuthorizerInFront() throws Exception {
        String admin = token("demo-user", "admin");
        List<String> failures = new ArrayList<>();
        for (LocalTemplate.Route route : stack.template().routes()) {
            long before = stack.function(route.functionId()).invocations();
            // WHEN the route is called without a token
            HttpResponse<String> anonymous = send(route, Optional.empty());
            if (route.authorized()) {
                // THEN a protected route is refused by the authorizer, without running the function
                if (anonymous.statusCode() != 401 || stack.function(route.functionId()).invocations() != before) {
                    failures.add(route.routeKey() + " without token: " + anonymous.statusCode() + " " + anonymous.body());
                }
            } else if (!succeeded(route, anonymous)) {
                failures.add(route.routeKey() + " (public): " + anonymous.statusCode() + " " + anonymous.body());
            }
            // AND with a token (an admin, the seeded demo user) every route answers (see succeeded)
            HttpResponse<String> signedIn = send(route, Optional.of(admin));
            if (!succeeded(route, signedIn)) {
                failures.add(route.routeKey() + " with token: " + signedIn.statusCode() + " " + signedIn.body());
            }
            if (!signedIn.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
                failures.add(route.routeKey() + ": not JSON: " + signedIn.headers().map());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures) + "\nlog:\n" + String.join("\n", LOG));
    }

    @Test
    void accessLog_shouldNeverWriteACouponCode() throws Exception {
        // GIVEN the template lists couponCode among its secret path parameters
        assertTrue(stack.template().secretPathParameters().contains("couponCode"), stack.template().secretPathParameters().toString());
        String code = "ZQ9X-SECR-ETCO-DE42";
        // WHEN both coupon routes are called with a code: without a token, with one, and with the wrong method
        raw("GET", "/coupons/" + code, null, Optional.empty());
        raw("GET", "/coupons/" + code, null, Optional.of(token("demo-user", "admin")));
        raw("POST", "/coupons/" + code + "/redeem", "{}", Optional.empty());
        raw("GET", "/coupons/" + code + "/redeem", null, Optional.empty());
        // THEN the runner's access log names the parameter, never the code
        List<String> access = LOG.stream().filter(l -> !l.startsWith("[")).toList();
        assertTrue(access.stream().anyMatch(l -> l.startsWith("GET /coupons/{couponCode} -> ")), String.join("\n", access));
        assertTrue(access.stream().anyMatch(l -> l.startsWith("POST /coupons/{couponCode}/redeem -> ")), String.join("\n", access));
        assertTrue(access.stream().anyMatch(l -> l.startsWith("GET /coupons/{couponCode}/redeem -> - 404")), String.join("\n", access));
        assertFalse(access.stream().anyMatch(l -> l.contains(code)), String.join("\n", access));
    }

    @Test
    void adminRoutes_shouldBeForbidden_toAPlainUser() throws Exception {
        // GIVEN a valid token without the admin group: the authorizer lets it through, the function refuses it
        String user = token("demo-user");
        for (String path : List.of("/metrics", "/admin/users/batch")) {
            LocalTemplate.Route route = stack.template().routes().stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
            HttpResponse<String> response = send(route, Optional.of(user));
            assertEquals(403, response.statusCode(), path + ": " + response.body());
            assertTrue(response.body().contains("\"error\""), response.body());
        }
    }

    @Test
    void newcomersFirstCurl_shouldWork_withATokenFromTheTokenCommand() throws Exception {
        // GIVEN the token `./mallquest token --sub demo-user` prints
        CommandRun token = CommandRun.of(Map.of(), "token", "--sub", "demo-user");
        assertEquals(0, token.status(), token.stderr());
        // WHEN it is used on GET /users/me
        HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/users/me"))
                .header("Authorization", "Bearer " + token.stdout().trim()).timeout(Duration.ofSeconds(90)).build(),
                HttpResponse.BodyHandlers.ofString());
        // THEN the seeded demo user comes back
        assertEquals(200, me.statusCode(), me.body());
        assertTrue(me.body().contains("demo-user"), me.body());
    }

    @Test
    void firstRequestFlow_shouldCreditACodeFromTheReceiptCommand_andStartApiShouldKeepTheProductionWindow() throws Exception {
        // GIVEN a code `./mallquest receipt --store zara --amount 125.50` prints, and a token
        CommandRun receipt = CommandRun.of(Map.of(), "receipt", "--store", "zara", "--amount", "125.50");
        assertEquals(0, receipt.status(), receipt.stderr());
        Optional<String> shopper = Optional.of(token("first-flow-" + UUID.randomUUID().toString().substring(0, 8)));
        // WHEN it is posted THEN 201: 125 coins (zara ×1.0), 125 XP
        HttpResponse<String> credited = raw("POST", "/receipts", "{\"code\":\"" + receipt.stdout().trim() + "\"}", shopper);
        assertEquals(201, credited.statusCode(), credited.body());
        assertTrue(credited.body().contains("\"coinsEarned\":125"), credited.body());
        // AND a receipt from 2001 is too old: start-api serves the production claim window
        CommandRun old = CommandRun.of(Map.of(), "receipt", "--store", "zara", "--amount", "10", "--at", "2001-01-01T10:00:00Z");
        HttpResponse<String> tooOld = raw("POST", "/receipts", "{\"code\":\"" + old.stdout().trim() + "\"}", shopper);
        assertEquals(422, tooOld.statusCode(), tooOld.body());
        assertTrue(tooOld.body().contains("receipt_too_old"), tooOld.body());
    }

    @Test
    void stores_shouldListTheSeededCatalogue() throws Exception {
        HttpResponse<String> stores = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/stores"))
                .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stores.statusCode(), stores.body());
        assertTrue(stores.body().contains("zara"), stores.body());
    }

    @Test
    void functions_shouldShareTheRunnersOwnRedis_withoutRedisUrl() throws Exception {
        // GIVEN no REDIS_URL in the shell: the runner started its own redis-server
        assertTrue(stack.backends().cacheUrl().startsWith("redis://127.0.0.1:"), stack.backends().cacheUrl());
        String admin = token("demo-user", "admin");
        LocalTemplate.Route trigger = stack.template().routes().stream()
                .filter(r -> r.routeKey().equals("POST /effects")).findFirst().orElseThrow();
        // WHEN one function (effects) answers a request
        HttpResponse<String> effect = send(trigger, Optional.of(admin));
        assertEquals(2, effect.statusCode() / 100, effect.body());
        // THEN another function (metrics) sees it in the fleet figures: they share one cache, not one memory each
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/metrics"))
                .header("Authorization", "Bearer " + admin).timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), metrics.body());
        JsonNode routes = JsonText.MAPPER.readTree(metrics.body()).path("routes");
        assertTrue(routes.path("POST /effects").path("1m").path("requests").asInt() >= 1, metrics.body());
    }
}
