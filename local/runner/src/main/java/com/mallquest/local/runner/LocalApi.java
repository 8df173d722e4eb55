package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code start-api}: serves every HttpApi route of the template on one local port (requests read and limited as API
 * Gateway does by {@link GatewayListener}, JWT authorizer emulated by {@link LocalJwt}, events built by
 * {@link ApiGatewayEvents}) and fires the template's schedules; what no route matches goes to the web app
 * ({@link LocalWebApp}: the pages at {@code /}, {@code /screen}, {@code /ops}). The access log writes each request's
 * method and path, never its query, and a path parameter the template lists as secret
 * ({@code Metadata.SecretPathParameters} of the HttpApi) as {@code {name}}, never its value.
 */
public final class LocalApi implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final LocalStack stack;
    private final RouteTable routes;
    private final LocalJwt jwt;
    private final LocalWebApp webApp;
    private final DevTokenGuard devTokenGuard;
    private final Set<String> secretPathParameters;
    private final GatewayListener listener;
    private final ExecutorService requestThreads;
    private final ScheduledExecutorService scheduler;
    private final Consumer<String> out;
    private final Clock clock;
    private final Instant created;
    private final ApiDescription apiDescription;

    private LocalApi(LocalStack stack, String host, int port, LocalJwt jwt, boolean fireSchedulesNow, boolean allowNetworkDevToken,
                     Clock clock) {
        this.stack = stack;
        this.out = stack.options().out();
        this.routes = new RouteTable(stack.template().routes());
        this.secretPathParameters = Set.copyOf(stack.template().secretPathParameters());
        this.jwt = jwt;
        this.clock = clock;
        this.created = clock.instant();
        this.apiDescription = new ApiDescription(stack.options().root());
        List<Map.Entry<LocalTemplate.Schedule, ScheduleExpression>> schedules = new ArrayList<>();
        for (LocalTemplate.Schedule schedule : stack.template().schedules()) {
            if (schedule.enabled()) {
                schedules.add(Map.entry(schedule, ScheduleExpression.parse(schedule.expression())));
            }
        }
        this.requestThreads = Executors.newCachedThreadPool(daemon("http"));
        try {
            this.listener = new GatewayListener(host, port, this::handle, requestThreads, out);
        } catch (BindException e) {
            requestThreads.shutdownNow();
            throw new UserError("Port " + port + " on " + host + " is already in use; stop what uses it or pick another with --port N");
        } catch (IOException e) {
            requestThreads.shutdownNow();
            throw new UserError("Cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
        this.devTokenGuard = DevTokenGuard.of(host, listener.port(), allowNetworkDevToken);
        this.webApp = new LocalWebApp(stack.options().root().resolve("web/dist"), jwt, devTokenGuard);
        listener.start();
        this.scheduler = Executors.newScheduledThreadPool(1, daemon("schedule"));
        for (Map.Entry<LocalTemplate.Schedule, ScheduleExpression> entry : schedules) {
            if (fireSchedulesNow) {
                scheduler.execute(() -> fire(entry.getKey()));
            }
            scheduleNext(entry.getKey(), entry.getValue(), created);
        }
    }

    /** Starts serving on {@code host:port} (0: a free port), the dev sign-in on loopback only. */
    public static LocalApi start(LocalStack stack, String host, int port, boolean fireSchedulesNow) {
        return start(stack, host, port, fireSchedulesNow, false);
    }

    /**
     * Starts serving on {@code host:port} (0: a free port).
     *
     * @param allowNetworkDevToken {@code --allow-network-dev-token}: keep {@code POST /local/dev-token} on when
     *                             {@code host} is not a loopback address (see {@link DevTokenGuard})
     */
    public static LocalApi start(LocalStack stack, String host, int port, boolean fireSchedulesNow, boolean allowNetworkDevToken) {
        LocalTemplate.JwtRules rules = stack.template().jwtRules();
        LocalJwt jwt = new LocalJwt(LocalJwt.secretFrom(stack.options().shell()), rules, Clock.systemUTC());
        return new LocalApi(stack, host, port, jwt, fireSchedulesNow, allowNetworkDevToken, Clock.systemUTC());
    }

    /** Fails with one clear line when {@code host:port} cannot be listened on. */
    static void checkPortFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new UserError("Port " + port + " on " + host + " is already in use; stop what uses it or pick another with --port N");
        } catch (IOException e) {
            throw new UserError("Cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /** The port served (useful with port 0). */
    public int port() {
        return listener.port();
    }

    /** What {@code start-api} prints when it is up: the URL, the routes and the schedules. */
    public List<String> banner(String host) {
        List<String> lines = new ArrayList<>();
        if (!DevTokenGuard.isLoopbackBinding(host)) {
            boolean developmentSecret = LocalJwt.secretFrom(stack.options().shell()).equals(LocalJwt.DEVELOPMENT_SECRET);
            lines.add("WARNING: --host " + host + " serves the API beyond this machine: anyone who can reach port " + port()
                    + " can call it" + (developmentSecret ? ", with admin tokens signed by the published development secret"
                    + " (set " + LocalJwt.SECRET_VARIABLE + " to a secret of your own)" : "") + ".");
            lines.add(devTokenGuard.enabled()
                    ? "WARNING: --allow-network-dev-token: POST /local/dev-token mints admin tokens for any device on the network."
                    : "WARNING: POST /local/dev-token (the dev sign-in) is off on this address; --allow-network-dev-token turns it on.");
        }
        lines.add("MallQuest local API on http://" + host + ":" + port() + " (" + stack.options().template().getFileName() + ")");
        lines.add("Routes:");
        for (LocalTemplate.Route route : stack.template().routes()) {
            lines.add(String.format("  %-7s %-28s -> %-24s %s", route.method(), route.path(), route.functionId(),
                    route.authorized() ? "JWT" : "public"));
        }
        lines.add("Schedules:");
        for (LocalTemplate.Schedule schedule : stack.template().schedules()) {
            String next = schedule.enabled()
                    ? "next " + ScheduleExpression.parse(schedule.expression()).next(clock.instant(), created)
                    : "disabled";
            lines.add(String.format("  %-24s %-18s %s (%s)", schedule.functionId(), schedule.eventId(), schedule.expression(), next));
        }
        lines.add("Token for the JWT routes: ./mallquest token --sub <userId> [--groups admin]");
        lines.add("API description: http://" + host + ":" + port() + "/docs (and /openapi.yaml, /openapi.json)");
        return lines;
    }

    // ---- HTTP -------------------------------------------------------------------------------------------

    private ApiGatewayEvents.HttpReply handle(ApiGatewayEvents.HttpRequest request) {
        long started = System.nanoTime();
        String requestId = newRequestId();
        ApiGatewayEvents.HttpReply reply;
        String target = "-";
        try {
            Optional<RouteTable.Match> match = routes.select(request.method(), request.rawPath());
            Optional<ApiGatewayEvents.HttpReply> description = match.isEmpty()
                    ? apiDescription.reply(request.method(), request.rawPath()) : Optional.empty();
            if (description.isPresent()) {
                target = "openapi.yaml";
                reply = description.get();
            } else if (match.isEmpty()) {
                Optional<ApiGatewayEvents.HttpReply> page = webApp.serve(request);
                target = page.isPresent() ? "web" : target;
                reply = page.orElseGet(() -> ApiGatewayEvents.HttpReply.json(404, "{\"message\":\"Not Found\"}"));
            } else {
                target = match.get().route().functionId();
                LocalJwt.Verified verified = null;
                if (match.get().route().authorized()) {
                    verified = jwt.verify(header(request, "Authorization")).orElse(null);
                }
                if (match.get().route().authorized() && verified == null) {
                    reply = new ApiGatewayEvents.HttpReply(401, List.of(Map.entry("Content-Type", "application/json"),
                            Map.entry("WWW-Authenticate", "Bearer"), Map.entry("Apigw-Requestid", requestId)),
                            "{\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
                } else {
                    ObjectNode event = ApiGatewayEvents.toEvent(request, match.get(), verified, requestId, clock.instant(),
                            hostOf(request));
                    InvocationResult result = stack.function(target).invoke(JsonText.bytes(event));
                    if (result.succeeded()) {
                        reply = ApiGatewayEvents.toReply(result.payload(), requestId);
                    } else {
                        out.accept(target + " failed (" + result.outcome() + "): " + result.payloadText());
                        reply = ApiGatewayEvents.internalError(requestId);
                    }
                }
            }
        } catch (RuntimeException e) {
            out.accept("ERROR serving " + request.method() + " " + loggedPath(request) + ": " + e);
            reply = ApiGatewayEvents.internalError(requestId);
        }
        out.accept(String.format("%s %s -> %s %d (%d ms)", request.method(), loggedPath(request),
                target, reply.status(), (System.nanoTime() - started) / 1_000_000));
        return reply;
    }

    /** The path as the access log writes it: secret path parameters as {@code {name}}, no query. */
    private String loggedPath(ApiGatewayEvents.HttpRequest request) {
        return routes.forLog(request.rawPath(), secretPathParameters);
    }

    private static String header(ApiGatewayEvents.HttpRequest request, String name) {
        for (Map.Entry<String, String> header : request.headers()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    private static String hostOf(ApiGatewayEvents.HttpRequest request) {
        String host = header(request, "Host");
        if (host == null || host.isBlank()) {
            return "localhost";
        }
        return host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
    }

    /** A request id in API Gateway's style (16 random bytes, base64). */
    private static String newRequestId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    // ---- schedules --------------------------------------------------------------------------------------

    private void scheduleNext(LocalTemplate.Schedule schedule, ScheduleExpression expression, Instant after) {
        Instant next = expression.next(after, created);
        long delay = Math.max(0, next.toEpochMilli() - clock.millis());
        try {
            scheduler.schedule(() -> {
                fire(schedule);
                scheduleNext(schedule, expression, next);
            }, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // shutting down
        }
    }

    private void fire(LocalTemplate.Schedule schedule) {
        byte[] event = schedule.input().map(i -> i.getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> JsonText.bytes(scheduledEvent(schedule, clock.instant())));
        try {
            InvocationResult result = stack.function(schedule.functionId()).invoke(event);
            out.accept(String.format("schedule %s/%s (%s) -> %s %s", schedule.functionId(), schedule.eventId(),
                    schedule.expression(), result.outcome(), result.payloadText()));
        } catch (RuntimeException e) {
            out.accept("schedule " + schedule.functionId() + "/" + schedule.eventId() + " failed: " + e);
        }
    }

    /** The event EventBridge sends for a scheduled rule. */
    public static ObjectNode scheduledEvent(LocalTemplate.Schedule schedule, Instant time) {
        ObjectNode event = JsonText.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", LocalAws.ACCOUNT_ID);
        event.put("time", time.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        event.put("region", LocalAws.REGION);
        event.putArray("resources").add("arn:aws:events:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":rule/"
                + LocalAws.STACK_NAME + "-" + schedule.functionId() + schedule.eventId());
        event.putObject("detail");
        return event;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, "local-api-" + name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        listener.close();
        requestThreads.shutdownNow();
    }
}
