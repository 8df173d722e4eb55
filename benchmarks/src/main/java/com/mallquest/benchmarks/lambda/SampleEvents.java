package com.mallquest.benchmarks.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mallquest.local.runner.JsonText;
import com.mallquest.local.runner.UserError;
import com.mallquest.local.services.DevReceiptSigner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The events the bench sends: each function's sample event from a side's {@code events/}, made distinct where it
 * must be (a receipt submission gets a receipt id of its own: a repeated id would be a replay, not a credit).
 */
final class SampleEvents {

    private final Path root;
    private final String stamp;
    private final DevReceiptSigner signer;
    /** Per side, its sample receipt body (read once). */
    private final Map<Path, JsonNode> receiptSamples = new ConcurrentHashMap<>();

    /** Events of the checkout at {@code root}; {@code stamp} makes this run's receipt ids its own. */
    SampleEvents(Path root, String stamp) {
        this.root = root;
        this.stamp = stamp;
        this.signer = DevReceiptSigner.load(root);
    }

    /** What the bare handler is given: the {@code GetUserFunction} sample. */
    byte[] bareEvent() {
        return sampleEvent(root, "GetUserFunction", "bare");
    }

    /** The function's sample event from the side's {@code events/}, a receipt submission with an id of its own. */
    byte[] sampleEvent(Path sideRoot, String functionId, String unique) {
        Path file = sideRoot.resolve("events/" + functionId + ".json");
        try {
            JsonNode event = JsonText.parse(Files.readAllBytes(file), "Sample event " + file);
            if ("POST /receipts".equals(event.path("routeKey").asText()) && event.has("body")) {
                ((ObjectNode) event).put("body", receiptBody(sideRoot, stamp + "-" + unique));
            }
            return JsonText.MAPPER.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UserError("Cannot read the sample event " + file + ": " + e.getMessage());
        }
    }

    /**
     * A receipt body in the side's own format, with its own id: a signed code ({@code {"code":…}}, the seed's
     * development key) when the side's sample is one, else the sample's plain fields (checkouts before signed codes).
     */
    String receiptBody(Path sideRoot, String unique) {
        try {
            JsonNode sample = receiptSamples.computeIfAbsent(sideRoot, SampleEvents::receiptSample);
            if (!sample.has("code")) {
                ObjectNode body = ((ObjectNode) sample).deepCopy();
                body.put("receiptId", "B-" + unique);
                return JsonText.MAPPER.writeValueAsString(body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "{\"code\":\"" + signer.sign("zara", "B-" + unique, new BigDecimal("59.90"), Instant.now().minusSeconds(60), null)
                + "\"}";
    }

    /** The body of the side's sample receipt submission. */
    private static JsonNode receiptSample(Path sideRoot) {
        Path file = sideRoot.resolve("events/SubmitReceiptFunction.json");
        try {
            return JsonText.MAPPER.readTree(JsonText.parse(Files.readAllBytes(file), "Sample event " + file).get("body").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
