package com.mallquest.core.api.lambda;

import com.mallquest.core.platform.wiring.Platform;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.CacheStats;
import com.mallquest.core.operations.fleet.FleetRecorder;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.ApiException;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.DomainErrors;
import com.mallquest.core.api.http.Route;
import com.mallquest.logging.Log;
import com.mallquest.logging.LogContext;
import com.mallquest.core.platform.metrics.InvocationMetrics;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Lambda entry of an HTTP function: event → {@link ApiRequest} → the matching {@link Route} →
 * response. It enforces each route's {@link Access}, turns {@link ApiException} (HTTP-level refusals) and
 * {@link DomainException} (the core's typed refusals, through {@link DomainErrors}) into the JSON error
 * model, answers an unreachable or throttling AWS dependency with 503 {@code unavailable} and {@code Retry-After},
 * anything else unexpected with a 500 that carries no internals (the stack trace goes to the log), and emits the invocation's EMF record (Latency, Requests, ClientErrors, ServerErrors, CacheHits,
 * CacheMisses) with the dimensions Function and Route. Each answered request is also given to the
 * container's {@link FleetRecorder} (the fleet-wide figures of {@code GET /metrics}).
 *
 * <p>Headers: every answer of a route that is not {@link Access#PUBLIC} (and every answer to a path no route
 * matched) carries {@code Cache-Control: no-store}, whatever the handler set: coupon codes and balances never sit
 * in a shared or browser cache. Every answer carries {@code X-Content-Type-Options: nosniff} ({@link HttpEvents#toEvent}).
 *
 * <p>It is a {@link RequestStreamHandler}: the runtime hands it the event's JSON, which {@link HttpEventJson} reads
 * with the project's own mapper (the runtime's event serialiser is never built: a shorter cold start). Of the two
 * {@code handleRequest} methods the runtime calls the stream one (it prefers the longest parameter list, and the
 * template names the method); the typed {@link #handleRequest(APIGatewayV2HTTPEvent, Context)} is the same
 * request path for callers that hold an event object (tests, the SnapStart priming).
 *
 * <p>Logging: each invocation opens a {@link LogContext} ({@code lambdaRequestId}, {@code traceId},
 * {@code coldStart}, then {@code requestId}, {@code route}, the path's ids such as {@code userId} or
 * {@code storeId}, and {@code userId} of the caller when the path names no user; {@code callerId} always), so
 * every line the request causes carries them, and ends with one {@code "request"} line: {@code status},
 * {@code latencyMs} and, for a refusal, {@code errorCode}. A 500 or 503 also logs its exception at ERROR.
 *
 * <pre>{@code
 * public final class GetUserHandler extends ApiHandler {
 *     private static final Platform CORE = Platform.fromEnvironment();
 *     public GetUserHandler() { this(CORE); }
 *     GetUserHandler(Platform core) { super(core); ... }
 *     protected List<Route> routes() { return List.of(Route.get("/users/{userId}", Access.USER, this::getUser)); }
 * }
 * }</pre>
 */
public abstract class ApiHandler implements RequestStreamHandler {

    private static final Log LOG = Log.of(ApiHandler.class);
    /** The header the API's CloudFront edge adds with {@code EDGE_SECRET} ({@link #checkEdge}). */
    static final String EDGE_HEADER = "x-mallquest-edge";

    protected final Platform core;
    /** This container's fleet-wide figures: every request is recorded here; handlers add business counters. */
    protected final FleetRecorder fleet;
    private volatile List<Route> routes;

    /** Primes this handler before a SnapStart checkpoint (held here: the CRaC context may hold it weakly). */
    final SnapStartPriming priming;

    protected ApiHandler(Platform core) {
        this.core = core;
        this.fleet = new FleetRecorder(core.cache(), core.clock());
        this.priming = SnapStartPriming.register(this);
    }

    /** The routes this function serves, most specific first ({@code /users/me} before {@code /users/{userId}}). */
    protected abstract List<Route> routes();

    /** The keys of the routes this function serves ({@code GET /users/{userId}}), as template.yaml names them. */
    public final List<String> routeKeys() {
        return routes().stream().map(Route::routeKey).toList();
    }

    /**
     * The runtime's entry: the event's JSON in, the response's JSON out. An input that is not JSON fails the
     * invocation, as it does under the runtime's own serialiser (API Gateway never sends one).
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        APIGatewayV2HTTPEvent event = HttpEventJson.read(input);
        HttpEventJson.write(handleRequest(event, context), output);
    }

    /** Answers one HTTP API event (what {@link #handleRequest(InputStream, OutputStream, Context)} does after reading it). */
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try (LogContext.Scope invocation = Invocations.begin(context)) {
            return respond(event, true);
        }
    }

    /**
     * Answers {@code event}; with {@code record} false (SnapStart priming) nothing leaves the process: no EMF record,
     * no fleet figures, no error log.
     */
    final APIGatewayV2HTTPResponse respond(APIGatewayV2HTTPEvent event, boolean record) {
        long started = System.nanoTime();
        CacheStats cacheBefore = core.cache().stats();
        String requestId = event == null ? "unknown" : HttpEvents.requestId(event);
        String routeKey = "unmatched";
        boolean personal = true; // until a public route is matched: an answer no shared cache may keep
        InvocationMetrics metrics = null;
        ApiResponse response;
        String errorCode = null;
        LogContext.put("requestId", requestId);
        fleet.beginRequest(); // the handler's business figures go with the request's, in one round trip
        try {
            if (event == null) {
                throw ApiException.badRequest("invalid_event", "The event is empty");
            }
            checkEdge(event);
            String method = HttpEvents.method(event);
            String path = HttpEvents.path(event);
            Match match = match(method, path);
            routeKey = match.route.routeKey();
            personal = match.route.access() != Access.PUBLIC;
            LogContext.put("route", routeKey);
            metrics = core.metrics().begin(routeKey);
            metrics.property("requestId", requestId);
            Optional<Caller> caller = HttpEvents.caller(event);
            logIds(match.params, caller);
            checkAccess(match.route.access(), caller);
            ApiRequest request = new ApiRequest(method, path, match.params, HttpEvents.query(event),
                    HttpEvents.headers(event), HttpEvents.body(event, core.settings().maxBodyBytes()),
                    caller, requestId, metrics);
            response = match.route.action().handle(request);
        } catch (ApiException e) {
            errorCode = e.code();
            response = ApiResponse.error(e);
        } catch (DomainException e) {
            errorCode = e.code();
            response = DomainErrors.response(e);
        } catch (RuntimeException e) {
            if (!record) {
                response = ApiResponse.error(new ApiException(500, "internal_error", "priming"));
            } else if (isOutage(e)) {
                errorCode = "unavailable";
                LOG.error("dependency unavailable", e, "errorCode", errorCode);
                response = ApiResponse.error(new ApiException(503, "unavailable",
                        "A service this request needs is unavailable; retry shortly (request id " + requestId + ")",
                        null, Map.of("Retry-After", "1")));
            } else {
                errorCode = "internal_error";
                LOG.error("unhandled exception", e, "errorCode", errorCode);
                response = ApiResponse.error(new ApiException(500, "internal_error",
                        "The request could not be completed; quote request id " + requestId));
            }
        }
        if (personal) {
            response = response.withHeader("Cache-Control", "no-store");
        }
        if (record) {
            if (metrics == null) {
                metrics = core.metrics().begin(routeKey);
            }
            double latencyMillis = record(metrics, routeKey, response.status(), started, cacheBefore);
            LOG.info("request", "status", response.status(), "latencyMs", Math.round(latencyMillis * 100) / 100.0, "errorCode", errorCode);
        } else {
            fleet.endRequest();
        }
        return HttpEvents.toEvent(response, requestId);
    }

    /** 403 {@code edge_required} for a request that did not come through the API's edge, when the stack has one. */
    private void checkEdge(APIGatewayV2HTTPEvent event) {
        Optional<String> secret = core.settings().edgeSecret();
        if (secret.isEmpty()) {
            return;
        }
        String sent = HttpEvents.headers(event).getOrDefault(EDGE_HEADER, "");
        if (!MessageDigest.isEqual(secret.get().getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(403, "edge_required",
                    "Call the API through its edge URL (the stack's ApiEdgeUrl output), where the per-caller limits apply");
        }
    }

    private double record(InvocationMetrics metrics, String routeKey, int status, long started, CacheStats cacheBefore) {
        CacheStats cache = core.cache().stats().minus(cacheBefore);
        double latencyMillis = (System.nanoTime() - started) / 1_000_000.0;
        fleet.record(routeKey, status, latencyMillis, cache);
        metrics.milliseconds("Latency", latencyMillis)
                .count("Requests", 1)
                .count("ClientErrors", status >= 400 && status < 500 ? 1 : 0)
                .count("ServerErrors", status >= 500 ? 1 : 0)
                .count("CacheHits", cache.hits())
                .count("CacheMisses", cache.misses())
                .count("CacheFallback", core.cache().mode() == com.mallquest.core.platform.cache.Cache.Mode.MEMORY_FALLBACK ? 1 : 0)
                .property("status", status);
        LogContext.current().forEach(metrics::property); // the EMF line is followable by the same ids
        metrics.flush();
        return latencyMillis;
    }

    /**
     * True when {@code e} says an AWS dependency could not be reached or is throttling/failing on its side
     * (a real outage: 503 with {@code Retry-After}), as opposed to a bug or a rejected request (500).
     */
    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SdkClientException) {
                return true;
            }
            if (t instanceof SdkServiceException service && (service.isThrottlingException() || service.statusCode() >= 500)) {
                return true;
            }
        }
        return false;
    }

    /** The path's ids ({@code userId}, {@code storeId}, ...) and the caller as log fields of this request. */
    private static void logIds(Map<String, String> params, Optional<Caller> caller) {
        params.forEach((name, value) -> {
            if (name.endsWith("Id")) {
                LogContext.put(name, value);
            }
        });
        caller.ifPresent(c -> {
            LogContext.put("callerId", c.userId());
            if (!params.containsKey("userId")) {
                LogContext.put("userId", c.userId());
            }
        });
    }

    private static void checkAccess(Access access, Optional<Caller> caller) {
        if (access == Access.PUBLIC) {
            return;
        }
        Caller c = caller.orElseThrow(ApiException::unauthorized);
        if (access == Access.ADMIN && !c.isAdmin()) {
            throw ApiException.forbidden("This route is for administrators");
        }
        if (access == Access.MANAGER && !c.isAdminOrManager()) {
            throw ApiException.forbidden("This route is for store managers and administrators");
        }
        if (access == Access.STAFF && !c.isAdminOrStaff()) {
            throw ApiException.forbidden("This route is for store staff and administrators");
        }
    }

    private record Match(Route route, Map<String, String> params) { }

    private Match match(String method, String path) {
        List<Route> all = routes == null ? (routes = List.copyOf(routes())) : routes;
        List<Route> pathMatches = all.stream().filter(r -> r.match(path).isPresent()).toList();
        if (pathMatches.isEmpty()) {
            throw ApiException.notFound("No route for " + method + " " + path);
        }
        for (Route r : pathMatches) {
            if (r.method().equals(method)) {
                return new Match(r, r.match(path).orElseThrow());
            }
        }
        String allow = pathMatches.stream().map(Route::method).distinct().collect(Collectors.joining(", "));
        throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + path, null, Map.of("Allow", allow));
    }
}
