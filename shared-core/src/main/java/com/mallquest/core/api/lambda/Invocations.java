package com.mallquest.core.api.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.mallquest.logging.LogContext;

/**
 * Opens the {@link LogContext} of a Lambda invocation from its {@link Context}: {@code lambdaRequestId} (the
 * context's AWS request id), {@code traceId} (the X-Ray root trace id, {@code 1-5759e988-bd862e3fe1be46a994272793})
 * and {@code coldStart}. Every Lambda entry point does this first; {@link ApiHandler} does it for the HTTP functions.
 *
 * <pre>{@code
 * public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
 *     try (LogContext.Scope invocation = Invocations.begin(context)) {
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class Invocations {

    /** The system property AWS's runtime client sets to the invocation's X-Ray trace header. */
    static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";

    private Invocations() { }

    /** Starts the invocation's log fields; {@code context} may be null (a test). Close the scope at its end. */
    public static LogContext.Scope begin(Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        String traceHeader = context == null ? null : context.getXrayTraceId();
        if (traceHeader == null || traceHeader.isBlank()) {
            traceHeader = System.getProperty(TRACE_HEADER_PROPERTY);
        }
        return LogContext.beginInvocation(requestId, traceId(traceHeader));
    }

    /**
     * The root trace id of an X-Ray trace header ({@code Root=1-...;Parent=...;Sampled=1}), the header itself
     * when it has no {@code Root}, null for none.
     */
    static String traceId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.startsWith("Root=")) {
                return p.substring("Root=".length());
            }
        }
        return header.trim();
    }
}
