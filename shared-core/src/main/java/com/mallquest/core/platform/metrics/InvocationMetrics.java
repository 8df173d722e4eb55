package com.mallquest.core.platform.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.mallquest.core.platform.json.Json;
import com.mallquest.logging.Log;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics of one invocation, written by {@link #flush()} as one line of CloudWatch's Embedded Metric Format
 * to stdout, where Lambda's log agent extracts the metrics
 * (<a href="https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html">the
 * specification</a>):
 *
 * <pre>{@code
 * {"_aws":{"Timestamp":1764583200000,"CloudWatchMetrics":[{"Namespace":"MallQuest",
 *   "Dimensions":[["Function","Route"],["Function"]],"Metrics":[{"Name":"Requests","Unit":"Count"}]}]},
 *  "Function":"get-user","Route":"GET /users/{userId}","Requests":1.0,"requestId":"abc"}
 * }</pre>
 *
 * Metric names are CamelCase nouns ({@code ReceiptsCredited}, {@code Latency}). A metric the specification
 * refuses (an empty or over-long name, a value that is not finite) is dropped with a log line: metrics never fail a
 * request. A record holds at most {@value #MAX_METRICS_PER_RECORD} metrics, as the specification allows; more are
 * written as further records with the same dimensions and properties. A metric put twice keeps both values.
 */
public final class InvocationMetrics {
    private static final Log LOG = Log.of(InvocationMetrics.class);

    /** The most metrics one EMF record may declare. */
    static final int MAX_METRICS_PER_RECORD = 100;
    private static final int MAX_NAME_LENGTH = 1024;

    /** The record of the invocation running on this thread (from {@link Metrics#begin} until {@link #flush}). */
    private static final ThreadLocal<InvocationMetrics> CURRENT = new ThreadLocal<>();

    private final String namespace;
    private final String functionName;
    private final String route;
    private final Clock clock;
    private final Map<String, Metric> metrics = new LinkedHashMap<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private boolean flushed;

    InvocationMetrics(String namespace, String functionName, String route, Clock clock) {
        this.namespace = namespace;
        this.functionName = functionName;
        this.route = route;
        this.clock = clock;
    }

    /** Adds {@code value} to the count {@code name}. */
    public InvocationMetrics count(String name, double value) {
        return put(name, value, "Count");
    }

    /** Records a duration in milliseconds. */
    public InvocationMetrics milliseconds(String name, double value) {
        return put(name, value, "Milliseconds");
    }

    /** Records a size in bytes. */
    public InvocationMetrics bytes(String name, double value) {
        return put(name, value, "Bytes");
    }

    /** A searchable property of the record (not a metric): request id, user id, reason. */
    public InvocationMetrics property(String name, Object value) {
        if (!name.equals("_aws") && !name.equals(Metrics.FUNCTION) && !name.equals(Metrics.ROUTE) && !metrics.containsKey(name)) {
            properties.put(name, value);
        }
        return this;
    }

    /** Writes the record (once; later calls do nothing). */
    public void flush() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        if (!flushed) {
            flushed = true;
            for (String line : lines()) {
                System.out.println(line);
            }
        }
    }

    /**
     * The not yet flushed record of the invocation running on this thread, if any: for core code that counts
     * something into the invocation's own record (one EMF record per request) without being handed it, such as
     * {@code BadgesAwarded.<code>} counted by the credit path.
     */
    public static Optional<InvocationMetrics> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Makes this the thread's current record ({@link Metrics#begin}). */
    InvocationMetrics makeCurrent() {
        CURRENT.set(this);
        return this;
    }

    /** The EMF lines {@link #flush} writes: one per {@value #MAX_METRICS_PER_RECORD} metrics, at least one. */
    List<String> lines() {
        List<Metric> all = new ArrayList<>(metrics.values());
        List<String> lines = new ArrayList<>();
        long timestamp = clock.millis();
        int from = 0;
        do {
            lines.add(line(timestamp, all.subList(from, Math.min(all.size(), from + MAX_METRICS_PER_RECORD))));
            from += MAX_METRICS_PER_RECORD;
        } while (from < all.size());
        return lines;
    }

    private String line(long timestamp, List<Metric> chunk) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(text)) {
            json.setCodec(Json.MAPPER);
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", timestamp);
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", namespace);
            // per route, and per function (what the template's per-function alarms read)
            json.writeArrayFieldStart("Dimensions");
            json.writeArray(new String[] {Metrics.FUNCTION, Metrics.ROUTE}, 0, 2);
            json.writeArray(new String[] {Metrics.FUNCTION}, 0, 1);
            json.writeEndArray();
            json.writeArrayFieldStart("Metrics");
            for (Metric metric : chunk) {
                json.writeStartObject();
                json.writeStringField("Name", metric.name);
                json.writeStringField("Unit", metric.unit);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeStringField(Metrics.FUNCTION, functionName);
            json.writeStringField(Metrics.ROUTE, route);
            for (Metric metric : chunk) {
                json.writeFieldName(metric.name);
                if (metric.values.size() == 1) {
                    json.writeNumber(metric.values.get(0));
                } else {
                    json.writeStartArray();
                    for (double value : metric.values) {
                        json.writeNumber(value);
                    }
                    json.writeEndArray();
                }
            }
            for (Map.Entry<String, Object> property : properties.entrySet()) {
                json.writeObjectField(property.getKey(), property.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("EMF record could not be written", e);
        }
        return text.toString();
    }

    private InvocationMetrics put(String name, double value, String unit) {
        String refused = name == null || name.isBlank() ? "empty name"
                : name.length() > MAX_NAME_LENGTH ? "name longer than " + MAX_NAME_LENGTH
                : name.equals("_aws") || name.equals(Metrics.FUNCTION) || name.equals(Metrics.ROUTE) ? "reserved name"
                : !Double.isFinite(value) ? "value not finite"
                : null;
        if (refused != null) {
            LOG.warn("metrics: invalid metric dropped", "metric", String.valueOf(name), "reason", refused);
            return this;
        }
        properties.remove(name);
        metrics.computeIfAbsent(name, n -> new Metric(n, unit)).values.add(value);
        return this;
    }

    private static final class Metric {
        final String name;
        final String unit;
        final List<Double> values = new ArrayList<>(1);

        Metric(String name, String unit) {
            this.name = name;
            this.unit = unit;
        }
    }
}
