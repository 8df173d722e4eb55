package com.mallquest.local.runner;

import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
                Optional.of(root.resolve(Main.LOCAL_ENV_VARS)), "api-" + UUID.randomUUID().toString().substring(0, 8) + "-", 1,
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

    private static HttpResponse<String> send(LocalTemplate.Route route, Optional<String> token) throws Exception {
        String path = route.path().replaceAll("\\{[^}]+}", "demo-user");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(90))
                .method(route.method(), route.method().equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyDeclaredRoute_shouldAnswer_withTheAuthorizerInFront() throws Exception {
        String admin = new LocalJwt(LocalJwt.DEVELOPMENT_SECRET, stack.template().jwtRules(), Clock.systemUTC())
                .issue("demo-user", List.of("admin"), 600);
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
            } else if (anonymous.statusCode() >= 500 || anonymous.statusCode() == 401) {
                failures.add(route.routeKey() + " (public): " + anonymous.statusCode() + " " + anonymous.body());
            }
            // AND with an admin token every route reaches its function and answers without a server error
            HttpResponse<String> signedIn = send(route, Optional.of(admin));
            if (signedIn.statusCode() >= 500 || signedIn.statusCode() == 401) {
                failures.add(route.routeKey() + " with token: " + signedIn.statusCode() + " " + signedIn.body());
            }
            if (!signedIn.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
                failures.add(route.routeKey() + ": not JSON: " + signedIn.headers().map());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures) + "\nlog:\n" + String.join("\n", LOG));
    }

    @Test
    void health_shouldAnswer200_publicly() throws Exception {
        HttpResponse<String> health = send(new LocalTemplate.Route("GET", "/health", "MetricsFunction", "GetHealth", false), Optional.empty());
        assertEquals(200, health.statusCode(), health.body());
    }
}
