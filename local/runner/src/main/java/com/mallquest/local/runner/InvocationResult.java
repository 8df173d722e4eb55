package com.mallquest.local.runner;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What one invocation of a function produced, as the Lambda service reports it to its caller.
 *
 * @param outcome  success, a function error, a timeout, or a runtime that failed to start or died
 * @param payload  the response JSON on success; otherwise Lambda's error JSON
 *                 ({@code {"errorMessage":..,"errorType":..}})
 * @param duration time from handing the event to the runtime until the answer
 */
public record InvocationResult(Outcome outcome, byte[] payload, Duration duration) {

    /** How an invocation ended. */
    public enum Outcome {
        /** The handler returned; {@code payload} is its serialized result. */
        SUCCESS,
        /** The handler threw; {@code payload} is the runtime's error document. */
        FUNCTION_ERROR,
        /** The handler ran past the function's {@code Timeout}; its container was stopped. */
        TIMEOUT,
        /** The runtime could not initialise the function (e.g. its handler class or constructor failed). */
        INIT_ERROR,
        /** The runtime process exited mid-invocation. */
        RUNTIME_EXITED
    }

    public boolean succeeded() {
        return outcome == Outcome.SUCCESS;
    }

    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    static InvocationResult error(Outcome outcome, String errorType, String message, Duration duration) {
        String json = "{\"errorType\":" + JsonText.quote(errorType) + ",\"errorMessage\":" + JsonText.quote(message) + "}";
        return new InvocationResult(outcome, json.getBytes(StandardCharsets.UTF_8), duration);
    }
}
