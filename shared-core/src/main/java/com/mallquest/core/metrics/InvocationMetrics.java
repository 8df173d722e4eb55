package com.mallquest.core.metrics;

import com.mallquest.core.logging.Log;

import software.amazon.cloudwatchlogs.emf.exception.DimensionSetExceededException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidDimensionException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidMetricException;
import software.amazon.cloudwatchlogs.emf.exception.InvalidNamespaceException;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The metrics of one invocation, written as one EMF record by {@link #flush()}.
 * Metric names are CamelCase nouns ({@code ReceiptsCredited}, {@code Latency}). A metric that fails
 * EMF's validation is dropped with a log line: metrics never fail a request.
 */
public final class InvocationMetrics {
    private static final Log LOG = Log.of(InvocationMetrics.class);

    /** The record of the invocation running on this thread (from {@link Metrics#begin} until {@link #flush}). */
    private static final ThreadLocal<InvocationMetrics> CURRENT = new ThreadLocal<>();

    private final MetricsLogger logger = new MetricsLogger();
    private boolean flushed;

    InvocationMetrics(String namespace, String functionName, String route) {
        try {
            logger.setNamespace(namespace);
            // per route, and per function (what the template's per-function alarms read)
            logger.setDimensions(DimensionSet.of("Function", functionName, "Route", route), DimensionSet.of("Function", functionName));
        } catch (InvalidNamespaceException | InvalidDimensionException | DimensionSetExceededException e) {
            throw new IllegalArgumentException("Invalid metrics namespace or dimension: " + e.getMessage(), e);
        }
    }

    /** Adds {@code value} to the count {@code name}. */
    public InvocationMetrics count(String name, double value) {
        return put(name, value, Unit.COUNT);
    }

    /** Records a duration in milliseconds. */
    public InvocationMetrics milliseconds(String name, double value) {
        return put(name, value, Unit.MILLISECONDS);
    }

    /** Records a size in bytes. */
    public InvocationMetrics bytes(String name, double value) {
        return put(name, value, Unit.BYTES);
    }

    /** A searchable property of the record (not a metric): request id, user id, reason. */
    public InvocationMetrics property(String name, Object value) {
        logger.putProperty(name, value);
        return this;
    }

    /** Writes the record (once; later calls do nothing). */
    public void flush() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        if (!flushed) {
            flushed = true;
            logger.flush();
        }
    }

    /**
     * The not yet flushed record of the invocation running on this thread, if any: for core code that counts
     * something into the invocation's own record (one EMF record per request) without being handed it, such as
     * {@code BadgesAwarded.<code>} counted by the credit path.
     */
    public static java.util.Optional<InvocationMetrics> current() {
        return java.util.Optional.ofNullable(CURRENT.get());
    }

    /** Makes this the thread's current record ({@link Metrics#begin}). */
    InvocationMetrics makeCurrent() {
        CURRENT.set(this);
        return this;
    }

    private InvocationMetrics put(String name, double value, Unit unit) {
        try {
            logger.putMetric(name, value, unit);
        } catch (InvalidMetricException e) {
            LOG.warn("metrics: invalid metric dropped", "metric", name, "reason", e.getMessage());
        }
        return this;
    }
}
