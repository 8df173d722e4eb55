package com.mallquest.benchmarks.lambda;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load on start-api: one client per token, each POSTing receipts one after the other on a keep-alive HTTP/1.1
 * connection (the JDK's client, which keeps one pooled connection per client busy), as a browser keeps one.
 */
final class ReceiptLoad {

    private final URI receipts;
    private final List<String> tokens;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    ReceiptLoad(int port, List<String> tokens) {
        this.receipts = URI.create("http://127.0.0.1:" + port + "/receipts");
        this.tokens = tokens;
    }

    /**
     * Runs every client until {@code length} is up: a 2xx counts in {@code ok} (and its latency in {@code latencies}
     * when given), anything else in {@code failed}.
     */
    void run(Duration length, ReceiptBodies bodies, AtomicLong ok, AtomicInteger failed, List<Double> latencies) {
        long end = System.nanoTime() + length.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(tokens.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < tokens.size(); c++) {
                String authorization = "Bearer " + tokens.get(c);
                int client = c;
                running.add(clients.submit(() -> {
                    int n = 0;
                    while (System.nanoTime() < end) {
                        HttpRequest request = HttpRequest.newBuilder(receipts).timeout(Duration.ofSeconds(60))
                                .header("Authorization", authorization).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.next(client, n++))).build();
                        long t = System.nanoTime();
                        try {
                            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status / 100 == 2) {
                                ok.incrementAndGet();
                                if (latencies != null) {
                                    latencies.add((System.nanoTime() - t) / 1e6);
                                }
                            } else {
                                failed.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            clients.shutdownNow();
        }
    }
}
