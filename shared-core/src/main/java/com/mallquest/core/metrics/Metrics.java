package com.mallquest.core.metrics;

import software.amazon.cloudwatchlogs.emf.config.EnvironmentConfigurationProvider;
import software.amazon.cloudwatchlogs.emf.environment.Environments;

/**
 * The one entry to CloudWatch metrics: every figure goes out in the Embedded Metric Format under one
 * namespace, with the dimensions {@code Function} and (for API calls) {@code Route}.
 *
 * <p>In Lambda the EMF library writes to stdout and CloudWatch Logs extracts the metrics; anywhere else
 * (tests, the local runner) it is forced to the {@code Local} environment, which also prints to stdout,
 * so no agent or metadata endpoint is ever probed.
 *
 * <pre>{@code
 * InvocationMetrics m = metrics.begin("POST /receipts");
 * m.count("ReceiptsCredited", 1);
 * m.flush();
 * }</pre>
 */
public final class Metrics {

    private final String namespace;
    private final String functionName;

    public Metrics(String namespace, String functionName, boolean inLambda) {
        this.namespace = namespace;
        this.functionName = functionName;
        if (!inLambda) {
            EnvironmentConfigurationProvider.getConfig().setEnvironmentOverride(Environments.Local);
        }
    }

    /**
     * Starts the figures of one invocation; {@code route} is the route key, or the job name for non-HTTP events. The
     * record is this thread's {@link InvocationMetrics#current} until it is flushed.
     */
    public InvocationMetrics begin(String route) {
        return new InvocationMetrics(namespace, functionName, route).makeCurrent();
    }

    public String namespace() {
        return namespace;
    }
}
