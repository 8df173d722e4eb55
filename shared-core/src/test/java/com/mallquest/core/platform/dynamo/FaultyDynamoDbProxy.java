package com.mallquest.core.platform.dynamo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import com.mallquest.core.platform.config.Settings;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * A DynamoDB endpoint for fault tests: an HTTP proxy on a free loopback port in front of a real moto_server.
 * Every call is forwarded, except that {@code BatchWriteItem} calls follow a {@link #plan}: answered with a
 * throttling error, or only partly forwarded with the rest handed back as {@code UnprocessedItems}.
 * It records how often each write request reached the server, to prove nothing landed twice or not at all.
 *
 * <p>{@link #holdFirst} models a request that stalls on the wire: the first call matching it is held (the
 * SDK's attempt times out and it retries), and forwarded to the server only when the test calls
 * {@link #releaseHeld}, long after its client gave up on it. {@link #failNext} answers matching calls with
 * a 500 without forwarding them. {@link #readPartly} makes {@code BatchGetItem} calls read only some of their keys and
 * hand the rest back as {@code UnprocessedKeys}, as DynamoDB does under load.
 */
public final class FaultyDynamoDbProxy implements AutoCloseable {

    /** One API call as it reaches the proxy: its operation ({@code UpdateItem}, ...) and its JSON body. */
    public record Call(String operation, String body) { }

    /** What to do with one BatchWriteItem request. */
    sealed interface Fault permits Pass, Throttle, ProcessFirst { }

    /** Forward everything (except stuck writes). */
    record Pass() implements Fault { }

    /** Answer HTTP 400 ProvisionedThroughputExceededException; forward nothing. */
    record Throttle() implements Fault { }

    /** Forward only the first {@code count} writes; hand the rest back as unprocessed. */
    record ProcessFirst(int count) implements Fault { }

    static final Fault PASS = new Pass();
    static final Fault THROTTLE = new Throttle();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI upstream;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger batchRequests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
    private volatile IntFunction<Fault> plan = i -> PASS;
    private volatile Predicate<String> stuck = w -> false;
    private volatile long delayMillis;
    private volatile Predicate<Call> hold = c -> false;
    private final AtomicBoolean held = new AtomicBoolean();
    private final CountDownLatch heldArrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Integer> heldForwarded = new CompletableFuture<>();
    private volatile Predicate<Call> fail = c -> false;
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failuresLeft;
    private volatile Predicate<Call> loseAnswer = c -> false;
    private volatile int answersToLose;
    private volatile Predicate<Call> conflict = c -> false;
    private volatile int conflictsLeft;
    private final AtomicInteger conflicts = new AtomicInteger();
    private final AtomicInteger batchGets = new AtomicInteger();
    private final AtomicInteger partialGetsLeft = new AtomicInteger();
    private volatile int keysPerGet;

    public FaultyDynamoDbProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * The production DynamoDB client ({@link DynamoClients#create}: its timeouts and retries) built from
     * {@code environment} with {@code DYNAMODB_ENDPOINT} pointed at this proxy. The caller closes it.
     */
    public DynamoDbClient productionClient(Map<String, String> environment) {
        Map<String, String> proxied = new java.util.HashMap<>(environment);
        proxied.put("DYNAMODB_ENDPOINT", endpoint().toString());
        return DynamoClients.create(Settings.fromEnvironment(proxied));
    }

    /** The fault for the n-th BatchWriteItem request (0-based, SDK retries included). */
    FaultyDynamoDbProxy plan(IntFunction<Fault> plan) {
        this.plan = plan;
        return this;
    }

    /** Writes (their JSON text) that are never forwarded: always handed back as unprocessed. */
    FaultyDynamoDbProxy stuck(Predicate<String> stuck) {
        this.stuck = stuck;
        return this;
    }

    /** Holds each BatchWriteItem request this long (to observe parallel calls). */
    FaultyDynamoDbProxy delay(long millis) {
        this.delayMillis = millis;
        return this;
    }

    /**
     * Holds the first call matching {@code which} until {@link #releaseHeld}; its client's attempt times out
     * meanwhile (the SDK retries: the retry is forwarded at once).
     */
    public FaultyDynamoDbProxy holdFirst(Predicate<Call> which) {
        this.hold = which;
        return this;
    }

    /** Waits until the held call has arrived; false when none arrived within {@code millis}. */
    public boolean awaitHeld(long millis) throws InterruptedException {
        return heldArrived.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Forwards the held call now; completes with the server's HTTP status for it (200: it was applied). */
    public CompletableFuture<Integer> releaseHeld() {
        release.countDown();
        return heldForwarded;
    }

    /** Answers the next {@code count} calls matching {@code which} with HTTP 500, forwarding none of them. */
    public FaultyDynamoDbProxy failNext(int count, Predicate<Call> which) {
        this.failuresLeft = count;
        this.fail = which;
        return this;
    }

    /**
     * Forwards the next {@code count} calls matching {@code which} (they are applied) but answers each with HTTP 500:
     * the write's answer is lost on the way back, and the SDK sends it again.
     */
    public FaultyDynamoDbProxy loseAnswerOfNext(int count, Predicate<Call> which) {
        this.answersToLose = count;
        this.loseAnswer = which;
        return this;
    }

    /**
     * Answers the next {@code count} {@code TransactWriteItems} calls matching {@code which} as DynamoDB does when
     * another transaction holds one of their items: {@code TransactionCanceledException} with every reason
     * {@code TransactionConflict}; none of them is forwarded (moto never answers so).
     */
    public FaultyDynamoDbProxy conflictNext(int count, Predicate<Call> which) {
        this.conflictsLeft = count;
        this.conflict = which;
        return this;
    }

    /** How many calls {@link #conflictNext} answered with a conflict. */
    public int conflicts() {
        return conflicts.get();
    }

    /**
     * Answers the next {@code calls} BatchGetItem requests with only their first {@code keys} keys read; the other
     * keys come back as {@code UnprocessedKeys}.
     */
    public FaultyDynamoDbProxy readPartly(int calls, int keys) {
        this.keysPerGet = keys;
        this.partialGetsLeft.set(calls);
        return this;
    }

    /** How many BatchGetItem requests reached the proxy. */
    public int batchGets() {
        return batchGets.get();
    }

    /** How many calls {@link #failNext} answered with a 500. */
    public int failures() {
        return failures.get();
    }

    int batchRequests() {
        return batchRequests.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    /** How often each write request (JSON text) was forwarded to the server. */
    Map<String, AtomicInteger> forwarded() {
        return forwarded;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (target != null && target.endsWith(".BatchGetItem")) {
                batchGets.incrementAndGet();
                if (partialGetsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    batchGetPartly(exchange, body);
                    return;
                }
            }
            if (target == null || !target.endsWith(".BatchWriteItem")) {
                Call call = new Call(target == null ? "" : target.substring(target.indexOf('.') + 1),
                        new String(body, StandardCharsets.UTF_8));
                if (shouldFail(call)) {
                    failures.incrementAndGet();
                    reply(exchange, 500, ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                            + "\"message\":\"injected by FaultyDynamoDbProxy\"}").getBytes(StandardCharsets.UTF_8), null);
                    return;
                }
                if (take(call, true)) {
                    conflicts.incrementAndGet();
                    int items = JSON.readTree(body).path("TransactItems").size();
                    ArrayNode reasons = JSON.createArrayNode();
                    for (int i = 0; i < items; i++) {
                        reasons.addObject().put("Code", "TransactionConflict")
                                .put("Message", "Transaction is ongoing for the item");
                    }
                    ObjectNode answer = JSON.createObjectNode()
                            .put("__type", "com.amazonaws.dynamodb.v20120810#TransactionCanceledException")
                            .put("Message", "Transaction cancelled, please refer cancellation reasons for specific reasons");
                    answer.set("CancellationReasons", reasons);
                    reply(exchange, 400, JSON.writeValueAsBytes(answer), null);
                    return;
                }
                if (take(call, false)) {
                    forward(exchange, body);
                    failures.incrementAndGet();
                    reply(exchange, 500, ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                            + "\"message\":\"answer lost by FaultyDynamoDbProxy\"}").getBytes(StandardCharsets.UTF_8), null);
                    return;
                }
                if (hold.test(call) && held.compareAndSet(false, true)) {
                    heldArrived.countDown();
                    release.await();
                    try {
                        heldForwarded.complete(forward(exchange, body).statusCode());
                    } catch (IOException | RuntimeException e) {
                        heldForwarded.completeExceptionally(e);
                    }
                    return; // its client gave up on this exchange long ago
                }
                HttpResponse<byte[]> response = forward(exchange, body);
                reply(exchange, response.statusCode(), response.body(), response.headers().firstValue("x-amz-crc32").orElse(null));
                return;
            }
            int index = batchRequests.getAndIncrement();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                batchWrite(exchange, body, plan.apply(index));
            } finally {
                inFlight.decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException e) {
            e.printStackTrace();
            throw e;
        }
    }

    /** Takes one of the conflicts to answer ({@code conflict}) or one of the answers to lose. */
    private synchronized boolean take(Call call, boolean conflictNotLoss) {
        if (conflictNotLoss && conflictsLeft > 0 && conflict.test(call)) {
            conflictsLeft--;
            return true;
        }
        if (!conflictNotLoss && answersToLose > 0 && loseAnswer.test(call)) {
            answersToLose--;
            return true;
        }
        return false;
    }

    private synchronized boolean shouldFail(Call call) {
        if (failuresLeft > 0 && fail.test(call)) {
            failuresLeft--;
            return true;
        }
        return false;
    }

    private void batchWrite(HttpExchange exchange, byte[] body, Fault fault) throws IOException, InterruptedException {
        if (fault instanceof Throttle) {
            reply(exchange, 400, ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                    + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}")
                    .getBytes(StandardCharsets.UTF_8), null);
            return;
        }
        int budget = fault instanceof ProcessFirst first ? first.count() : Integer.MAX_VALUE;
        ObjectNode request = (ObjectNode) JSON.readTree(body);
        ObjectNode forwardItems = JSON.createObjectNode();
        ObjectNode unprocessed = JSON.createObjectNode();
        List<String> forwardedNow = new ArrayList<>();
        request.get("RequestItems").fields().forEachRemaining(table -> {
            for (JsonNode write : table.getValue()) {
                String text = write.toString();
                boolean forward = !stuck.test(text) && forwardedNow.size() < budget;
                ObjectNode target = forward ? forwardItems : unprocessed;
                if (!target.has(table.getKey())) {
                    target.putArray(table.getKey());
                }
                ((ArrayNode) target.get(table.getKey())).add(write);
                if (forward) {
                    forwardedNow.add(text);
                }
            }
        });
        if (!forwardItems.isEmpty()) {
            request.set("RequestItems", forwardItems);
            HttpResponse<byte[]> response = forward(exchange, JSON.writeValueAsBytes(request));
            if (response.statusCode() != 200) {
                reply(exchange, response.statusCode(), response.body(), null);
                return;
            }
            forwardedNow.forEach(text -> forwarded.computeIfAbsent(text, t -> new AtomicInteger()).incrementAndGet());
            JsonNode upstreamUnprocessed = JSON.readTree(response.body()).path("UnprocessedItems");
            upstreamUnprocessed.fields().forEachRemaining(table -> table.getValue().forEach(write -> {
                if (!unprocessed.has(table.getKey())) {
                    unprocessed.putArray(table.getKey());
                }
                ((ArrayNode) unprocessed.get(table.getKey())).add(write);
            }));
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.set("UnprocessedItems", unprocessed);
        reply(exchange, 200, JSON.writeValueAsBytes(answer), null); // body rewritten: no x-amz-crc32
    }

    private void batchGetPartly(HttpExchange exchange, byte[] body) throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree(body);
        ObjectNode forwardItems = JSON.createObjectNode();
        ObjectNode unprocessed = JSON.createObjectNode();
        int budget = keysPerGet;
        for (var tables = request.get("RequestItems").fields(); tables.hasNext(); ) {
            var table = tables.next();
            ObjectNode read = ((ObjectNode) table.getValue()).deepCopy();
            ObjectNode left = ((ObjectNode) table.getValue()).deepCopy();
            ArrayNode readKeys = read.putArray("Keys");
            ArrayNode leftKeys = left.putArray("Keys");
            for (JsonNode key : table.getValue().get("Keys")) {
                (budget-- > 0 ? readKeys : leftKeys).add(key);
            }
            if (!readKeys.isEmpty()) {
                forwardItems.set(table.getKey(), read);
            }
            if (!leftKeys.isEmpty()) {
                unprocessed.set(table.getKey(), left);
            }
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("Responses");
        if (!forwardItems.isEmpty()) {
            request.set("RequestItems", forwardItems);
            HttpResponse<byte[]> response = forward(exchange, JSON.writeValueAsBytes(request));
            if (response.statusCode() != 200) {
                reply(exchange, response.statusCode(), response.body(), null);
                return;
            }
            answer.set("Responses", JSON.readTree(response.body()).path("Responses"));
        }
        answer.set("UnprocessedKeys", unprocessed);
        reply(exchange, 200, JSON.writeValueAsBytes(answer), null); // body rewritten: no x-amz-crc32
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(upstream.resolve(exchange.getRequestURI().getPath()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : List.of("Content-Type", "X-Amz-Target", "Authorization", "X-Amz-Date")) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                request.header(header, value);
            }
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body, String crc32) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().set("x-amzn-RequestId", "proxy");
        if (crc32 != null) {
            exchange.getResponseHeaders().set("x-amz-crc32", crc32);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
