package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.FunctionDefinition;
import com.mallquest.local.runner.InvocationResult;
import com.mallquest.local.runner.JsonText;
import com.mallquest.local.runner.LocalFunction;
import com.mallquest.local.runner.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Containers of one function each, started as the runner starts them (the function's JVM under AWS's runtime
 * interface client), and the check that an invocation the bench counts succeeded.
 */
final class Containers {

    private final Path runtimeLib;
    /** The latest lines the functions printed (shown when one fails). */
    private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    Containers(Path runtimeLib) {
        this.runtimeLib = runtimeLib;
    }

    /** A fresh container of {@code function} (it starts on its first invocation); close it to stop its JVM. */
    LocalFunction fresh(FunctionDefinition function, Map<String, String> environment) {
        return new LocalFunction(function, environment, runtimeLib, this::logLine, 1);
    }

    /** A {@link UserError} with the function's last lines unless it answered, and with a status below 400. */
    void requireSuccess(String functionId, InvocationResult result) {
        if (!result.succeeded()) {
            throw new UserError(functionId + " failed in the benchmark: " + result.outcome() + " " + result.payloadText()
                    + "\nits last lines:\n" + String.join("\n", log));
        }
        try {
            int status = JsonText.MAPPER.readTree(result.payload()).path("statusCode").asInt(200);
            if (status >= 400) {
                throw new UserError(functionId + " answered " + status + " in the benchmark: " + result.payloadText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void logLine(String line) {
        log.add(line);
        while (log.size() > 200) {
            log.poll();
        }
    }
}
