package com.mallquest.core.platform.metrics;

import java.time.Clock;
import java.util.regex.Pattern;

/**
 * The one entry to CloudWatch metrics: every figure goes out in the Embedded Metric Format under one
 * namespace, with the dimensions {@code Function} and (for API calls) {@code Route}, as one line on stdout
 * ({@link InvocationMetrics}): in Lambda, CloudWatch Logs extracts the metrics; elsewhere (tests, the local
 * runner) the line is only printed. Nothing is probed, nothing runs in the background.
 *
 * <pre>{@code
 * InvocationMetrics m = metrics.begin("POST /receipts");
 * m.count("ReceiptsCredited", 1);
 * m.flush();
 * }</pre>
 */
public final class Metrics {
    /** The dimension naming the function. */
    static final String FUNCTION = "Function";
    /** The dimension naming the route key (or the job). */
    static final String ROUTE = "Route";

    /** CloudWatch's namespace rule. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-zA-Z0-9._#:/-]{1,255}");
    private static final int MAX_DIMENSION_VALUE = 1024;

    private final String namespace;
    private final String functionName;
    private final Clock clock;

    /** Metrics under {@code namespace} for the function {@code functionName}, stamped by the system clock. */
    public Metrics(String namespace, String functionName) {
        this(namespace, functionName, Clock.systemUTC());
    }

    Metrics(String namespace, String functionName, Clock clock) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("Invalid metrics namespace: " + namespace);
        }
        dimensionValue(FUNCTION, functionName);
        this.namespace = namespace;
        this.functionName = functionName;
        this.clock = clock;
    }

    /**
     * Starts the figures of one invocation; {@code route} is the route key, or the job name for non-HTTP events. The
     * record is this thread's {@link InvocationMetrics#current} until it is flushed.
     */
    public InvocationMetrics begin(String route) {
        return new InvocationMetrics(namespace, functionName, dimensionValue(ROUTE, route), clock).makeCurrent();
    }

    public String namespace() {
        return namespace;
    }

    private static String dimensionValue(String dimension, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_DIMENSION_VALUE || value.startsWith(":")
                || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("Invalid metrics dimension " + dimension + ": " + value);
        }
        return value;
    }
}
