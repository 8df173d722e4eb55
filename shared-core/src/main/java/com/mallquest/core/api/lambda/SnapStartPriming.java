package com.mallquest.core.api.lambda;

import com.mallquest.core.platform.wiring.Platform;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.api.http.Route;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.warmup.SdkWarmUp;
import software.amazon.awssdk.core.warmup.http.CannedResponseHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming of one {@link ApiHandler}, run in {@code beforeCheckpoint} (a CRaC {@link Resource}, as
 * Powertools primes): what the snapshot holds is then a JVM that has already loaded and run the request path, so
 * the first request after a restore does not pay for class loading and first-use initialisation.
 *
 * <p>It runs the request path once without side effects:
 * <ol>
 *   <li>the SDK's own warm-up of the DynamoDB client ({@link SdkWarmUp}: marshallers, signer and HTTP pipeline
 *       against a canned response, no network);</li>
 *   <li>every route of a <em>priming copy</em> of the handler, each request as the runtime hands it over (event
 *       JSON read by {@link HttpEventJson}, the response written back as JSON): the handler's class built through its
 *       {@code (Platform)} constructor on services that cannot reach anything (a DynamoDB client whose HTTP
 *       client answers every call with a canned {@code {}}, an in-memory cache), called as an administrator with
 *       an empty JSON body (routing, access, JSON, the service, the DynamoDB marshalling, the error mapping);</li>
 *   <li>an unmatched path on the handler itself (the 404 path).</li>
 * </ol>
 * None of these calls records metrics, writes fleet figures or logs ({@link ApiHandler#respond} with
 * {@code record} false), and none reaches DynamoDB or Redis, so the snapshot holds no socket. The container's
 * clients reconnect after a restore on their own: the Redis client is closed before the checkpoint and built again
 * on first use ({@code RedisConnection}), and the DynamoDB client's pool is still empty because priming never used it.
 * Priming is best effort: whatever it fails on is skipped, and a checkpoint never fails because of it.
 */
final class SnapStartPriming implements Resource {

    private static final ThreadLocal<Boolean> BUILDING_COPY = ThreadLocal.withInitial(() -> false);
    private static final String PRIMING_USER = "snapstart-priming";

    private final ApiHandler handler;

    private SnapStartPriming(ApiHandler handler) {
        this.handler = handler;
    }

    /** Registers priming of {@code handler} with the global CRaC context (not for a priming copy itself). */
    static SnapStartPriming register(ApiHandler handler) {
        SnapStartPriming priming = new SnapStartPriming(handler);
        if (!BUILDING_COPY.get()) {
            Core.getGlobalContext().register(priming);
        }
        return priming;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to do: the clients that hold sockets reconnect on first use (see the class comment)
    }

    /** Runs the priming; returns, per route key, the status its priming request got (for tests and the log). */
    Map<String, Integer> prime() {
        Map<String, Integer> statuses = new java.util.LinkedHashMap<>();
        try {
            SdkWarmUp.warmUp(DynamoDbClient.class);
        } catch (RuntimeException | LinkageError e) {
            // best effort
        }
        ApiHandler copy = copy();
        if (copy != null) {
            for (Route route : copy.routes()) {
                try {
                    statuses.put(route.routeKey(), primeOnce(copy, event(route)));
                } catch (RuntimeException | LinkageError | IOException e) {
                    statuses.put(route.routeKey(), -1);
                }
            }
            copy.core.dynamoDb().close();
        }
        try {
            statuses.put("unmatched", primeOnce(handler, unmatched()));
        } catch (RuntimeException | IOException e) {
            statuses.put("unmatched", -1);
        }
        return statuses;
    }

    /**
     * One request the way the runtime hands it over: the event as JSON read by {@link HttpEventJson}, the answer
     * written back as JSON (so the event reader and the response writer are primed too); the response's status.
     */
    private static int primeOnce(ApiHandler target, APIGatewayV2HTTPEvent event) throws IOException {
        APIGatewayV2HTTPResponse response = target.respond(HttpEventJson.read(Json.MAPPER.writeValueAsBytes(event)), false);
        HttpEventJson.write(response, OutputStream.nullOutputStream());
        return response.getStatusCode();
    }

    /** The handler's class on services that reach nothing, or null when it has no {@code (Platform)} constructor. */
    private ApiHandler copy() {
        Platform core = handler.core;
        DynamoDbClient canned = DynamoDbClient.builder()
                .httpClient(CannedResponseHttpClient.builder().statusCode(200).responseBody("{}".getBytes(StandardCharsets.UTF_8)).build())
                .region(Region.of(core.settings().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming")))
                .build();
        Platform offline = new Platform(core.settings(), canned, new MemoryCache(), core.metrics(), core.clock());
        BUILDING_COPY.set(true);
        try {
            Constructor<? extends ApiHandler> constructor = handler.getClass().getDeclaredConstructor(Platform.class);
            constructor.setAccessible(true);
            return constructor.newInstance(offline);
        } catch (ReflectiveOperationException | RuntimeException e) {
            canned.close();
            return null;
        } finally {
            BUILDING_COPY.set(false);
        }
    }

    private static APIGatewayV2HTTPEvent event(Route route) {
        String path = route.pathTemplate().replaceAll("\\{[^}]+}", PRIMING_USER);
        boolean hasBody = !route.method().equals("GET") && !route.method().equals("DELETE");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route.routeKey())
                .withRawPath(path)
                .withRawQueryString("")
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(hasBody ? "{}" : null)
                .withIsBase64Encoded(false)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("snapstart-priming")
                        .withRouteKey(route.routeKey())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(route.method()).withPath(path).build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", PRIMING_USER, "cognito:groups", "[admin]"))
                                        .withScopes(List.of())
                                        .build())
                                .build())
                        .build())
                .build();
    }

    private static APIGatewayV2HTTPEvent unmatched() {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRawPath("/snapstart-priming")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("snapstart-priming")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath("/snapstart-priming").build())
                        .build())
                .build();
    }
}
