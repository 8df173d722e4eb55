package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

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
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code start-api}: serves every HttpApi route of the template on one local port (JWT authorizer emulated by
 * {@link LocalJwt}, events built by {@link ApiGatewayEvents}) and fires the template's schedules; what no route
 * matches goes to the web app ({@link LocalWebApp}: the pages at {@code /}, {@code /screen}, {@code /ops}).
 */
public final class LocalApi implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        LocalHttp.noDelay();
    }

    private final LocalStack stack;
    private final RouteTable routes;
    private final LocalJwt jwt;
    private final LocalWebApp webApp;
    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final ScheduledExecutorService scheduler;
    private final Consumer<String> out;
    private final Clock clock;
    private final Instant created;
    private final ApiDescription apiDescription;

    private LocalApi(LocalStack stack, String host, int port, LocalJwt jwt, boolean fireSchedulesNow, Clock clock) {
        this.stack = stack;
        this.out = stack.options().out();
        this.routes = new RouteTable(stack.template().routes());
        this.jwt = jwt;
        this.webApp = new LocalWebApp(stack.options().root().resolve("web/dist"), jwt);
        this.clock = clock;
        this.created = clock.instant();
        this.apiDescription = new ApiDescription(stack.options().root());
        List<Map.Entry<LocalTemplate.Schedule, ScheduleExpression>> schedules = new ArrayList<>();
        for (LocalTemplate.Schedule schedule : stack.template().schedules()) {
            if (schedule.enabled()) {
                schedules.add(Map.entry(schedule, ScheduleExpression.parse(schedule.expression())));
            }
        }
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (BindException e) {
            throw new UserError("Port " + port + " on " + host + " is already in use; stop what uses it or pick another with --port N");
        } catch (IOException e) {
            throw new UserError("Cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
        this.requestThreads = Executors.newCachedThreadPool(daemon("http"));
        server.setExecutor(requestThreads);
        server.createContext("/", this::handle);
        server.start();
        this.scheduler = Executors.newScheduledThreadPool(1, daemon("schedule"));
        for (Map.Entry<LocalTemplate.Schedule, ScheduleExpression> entry : schedules) {
            if (fireSchedulesNow) {
                scheduler.execute(() -> fire(entry.getKey()));
            }
            scheduleNext(entry.getKey(), entry.getValue(), created);
        }
    }

    /** Starts serving on {@code host:port} (0: a free port). */
    public static LocalApi start(LocalStack stack, String host, int port, boolean fireSchedulesNow) {
        LocalTemplate.JwtRules rules = stack.template().jwtRules();
        LocalJwt jwt = new LocalJwt(LocalJwt.secretFrom(stack.options().shell()), rules, Clock.systemUTC());
        return new LocalApi(stack, host, port, jwt, fireSchedulesNow, Clock.systemUTC());
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
        return server.getAddress().getPort();
    }

    /** What {@code start-api} prints when it is up: the URL, the routes and the schedules. */
    public List<String> banner(String host) {
        List<String> lines = new ArrayList<>();
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

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String requestId = newRequestId();
        ApiGatewayEvents.HttpReply reply;
        String target = "-";
        try (exchange) {
            try {
                ApiGatewayEvents.HttpRequest request = request(exchange);
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
                        verified = jwt.verify(exchange.getRequestHeaders().getFirst("Authorization")).orElse(null);
                    }
                    if (match.get().route().authorized() && verified == null) {
                        reply = new ApiGatewayEvents.HttpReply(401, List.of(Map.entry("Content-Type", "application/json"),
                                Map.entry("WWW-Authenticate", "Bearer"), Map.entry("Apigw-Requestid", requestId)),
                                "{\"message\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
                    } else {
                        ObjectNode event = ApiGatewayEvents.toEvent(request, match.get(), verified, requestId, clock.instant(),
                                hostOf(exchange));
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
                out.accept("ERROR serving " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + ": " + e);
                reply = ApiGatewayEvents.internalError(requestId);
            }
            write(exchange, reply);
            out.accept(String.format("%s %s -> %s %d (%d ms)", exchange.getRequestMethod(), exchange.getRequestURI(),
                    target, reply.status(), (System.nanoTime() - started) / 1_000_000));
        }
    }

    private static ApiGatewayEvents.HttpRequest request(HttpExchange exchange) throws IOException {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
        byte[] body = exchange.getRequestBody().readAllBytes();
        return new ApiGatewayEvents.HttpRequest(exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT),
                exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(), headers, body,
                exchange.getRemoteAddress().getAddress().getHostAddress(), exchange.getProtocol());
    }

    private static String hostOf(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null || host.isBlank()) {
            return "localhost";
        }
        return host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
    }

    private static void write(HttpExchange exchange, ApiGatewayEvents.HttpReply reply) throws IOException {
        for (Map.Entry<String, String> header : reply.headers()) {
            exchange.getResponseHeaders().add(header.getKey(), header.getValue());
        }
        boolean noBody = reply.body().length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
        if (!noBody) {
            exchange.getResponseBody().write(reply.body());
        }
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
        server.stop(0);
        requestThreads.shutdownNow();
    }
}
