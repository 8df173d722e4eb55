package com.mallquest.core.platform.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.testing.EmfOutput;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The EMF lines {@link InvocationMetrics} writes, checked against the Embedded Metric Format specification. */
class InvocationMetricsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final Metrics metrics = new Metrics("MallQuest", "get-user", CLOCK);

    @Test
    void flush_shouldPrintOneSpecificationRecord_withBothDimensionSetsMetricsAndProperties() throws Exception {
        // GIVEN a request's figures
        InvocationMetrics record = metrics.begin("GET /users/{userId}")
                .count("Requests", 1).milliseconds("Latency", 3.25).bytes("ResponseBytes", 512)
                .property("requestId", "abc").property("status", 200);

        // WHEN it is flushed (twice)
        EmfOutput out = EmfOutput.capture(() -> {
            record.flush();
            record.flush();
        });

        // THEN exactly this one line is printed
        assertEquals("{\"_aws\":{\"Timestamp\":1796119200000,\"CloudWatchMetrics\":[{\"Namespace\":\"MallQuest\","
                + "\"Dimensions\":[[\"Function\",\"Route\"],[\"Function\"]],\"Metrics\":[{\"Name\":\"Requests\",\"Unit\":\"Count\"},"
                + "{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"},{\"Name\":\"ResponseBytes\",\"Unit\":\"Bytes\"}]}]},"
                + "\"Function\":\"get-user\",\"Route\":\"GET /users/{userId}\",\"Requests\":1.0,\"Latency\":3.25,"
                + "\"ResponseBytes\":512.0,\"requestId\":\"abc\",\"status\":200}" + System.lineSeparator(), out.output());
    }

    @Test
    void aMetricPutTwice_shouldKeepBothValues_andAnInvalidOneBeDropped() {
        InvocationMetrics record = metrics.begin("POST /receipts")
                .count("BadgesAwarded", 1).count("BadgesAwarded", 1)
                .count("", 1).count("Route", 1).milliseconds("Latency", Double.NaN).count("x".repeat(1025), 1)
                .property("Function", "forged");

        JsonNode line = only(record.lines());
        assertEquals(2, line.get("BadgesAwarded").size());
        assertEquals(1.0, line.get("BadgesAwarded").get(1).asDouble());
        assertEquals(1, line.at("/_aws/CloudWatchMetrics/0/Metrics").size());
        assertEquals("POST /receipts", line.get("Route").asText());
        assertEquals("get-user", line.get("Function").asText());
        assertFalse(line.has("Latency"));
    }

    @Test
    void moreThanAHundredMetrics_shouldGoOutAsSeveralRecords_eachWithTheDimensionsAndProperties() {
        InvocationMetrics record = metrics.begin("cleanup").property("requestId", "r1");
        for (int i = 0; i < 150; i++) {
            record.count("M" + i, i);
        }

        List<String> lines = record.lines();

        assertEquals(2, lines.size());
        JsonNode first = parse(lines.get(0));
        JsonNode second = parse(lines.get(1));
        assertEquals(100, first.at("/_aws/CloudWatchMetrics/0/Metrics").size());
        assertEquals(50, second.at("/_aws/CloudWatchMetrics/0/Metrics").size());
        assertEquals("M100", second.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText());
        assertEquals(149.0, second.get("M149").asDouble());
        assertTrue(first.has("M99") && !first.has("M100"));
        for (JsonNode line : List.of(first, second)) {
            assertEquals("r1", line.get("requestId").asText());
            assertEquals("cleanup", line.get("Route").asText());
        }
    }

    @Test
    void aRecordWithoutMetrics_shouldStillCarryItsDimensionsAndProperties() {
        JsonNode line = only(metrics.begin("GET /health").property("status", 503).lines());
        assertEquals(0, line.at("/_aws/CloudWatchMetrics/0/Metrics").size());
        assertEquals(503, line.get("status").asInt());
    }

    @Test
    void anInvalidNamespaceOrDimension_shouldBeRefusedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new Metrics("Mall Quest", "get-user"));
        assertThrows(IllegalArgumentException.class, () -> new Metrics("MallQuest", ""));
        assertThrows(IllegalArgumentException.class, () -> metrics.begin(":route"));
        assertThrows(IllegalArgumentException.class, () -> metrics.begin("GET /caf\u00e9"));
    }

    private static JsonNode only(List<String> lines) {
        assertEquals(1, lines.size(), lines.toString());
        return parse(lines.get(0));
    }

    private static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
