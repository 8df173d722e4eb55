package com.mallquest.benchmarks.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Raw keep-alive HTTP calls to the DynamoDB API (the JDK's HTTP/1.1 client, one connection reused): the floor a
 * request's round trips cannot go below.
 */
final class RawDynamo {

    private final URI endpoint;
    private final String table;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    RawDynamo(URI endpoint, String table) {
        this.endpoint = endpoint;
        this.table = table;
    }

    /** {@code n} {@code GetItem}s of the demo user's profile, after 20 to warm the connection. */
    Stats getItems(int n) {
        return calls(n, "GetItem", i -> "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"USER#demo-user\"},\"sk\":{\"S\":\"PROFILE\"}}}");
    }

    /** {@code n} {@code PutItem}s of small items of its own, after 20 to warm the connection. */
    Stats putItems(int n) {
        return calls(n, "PutItem", i -> "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"BENCH#raw\"},\"sk\":{\"S\":\"" + i
                + "\"},\"n\":{\"N\":\"" + i + "\"}}}");
    }

    private Stats calls(int n, String operation, IntFunction<String> body) {
        List<Double> ms = new ArrayList<>();
        for (int i = -20; i < n; i++) {
            HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/"))
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, "
                            + "SignedHeaders=host, Signature=00")
                    .header("X-Amz-Date", "20260101T000000Z")
                    .POST(HttpRequest.BodyPublishers.ofString(body.apply(i)))
                    .build();
            long t = System.nanoTime();
            int status = send(request);
            if (i >= 0) {
                ms.add((System.nanoTime() - t) / 1e6);
            }
            if (status != 200) {
                throw new IllegalStateException("raw " + operation + " answered " + status);
            }
        }
        return Stats.of(ms);
    }

    private int send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
