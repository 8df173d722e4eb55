package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.FunctionDefinition;

import java.nio.file.Path;
import java.util.Map;

/**
 * The baseline: a bare HTTP API handler ({@code local/bare-function}) run as a function of the template is, with a
 * template function's environment.
 */
record Bare(FunctionDefinition function, Map<String, String> environment) {

    static final String ID = "bare handler";
    private static final String HANDLER = "com.mallquest.bare.BareHandler::handleRequest";

    /** The bare handler of the checkout at {@code root}, whose jar {@code ./mallquest} built. */
    static Bare of(Path jar, Map<String, String> environment) {
        return new Bare(new FunctionDefinition(ID, jar, HANDLER, 1024, 15, Map.of()), environment);
    }
}
