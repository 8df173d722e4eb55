package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.FunctionDefinition;
import com.mallquest.local.runner.LocalStack;

import java.util.Map;

/** One measured side: its checkout, and the stack its functions run on (its own tables and Redis). */
record Side(String label, java.nio.file.Path root, LocalStack stack) {

    Map<String, FunctionDefinition> functions() {
        return stack.template().functions();
    }

    Map<String, String> environment(String functionId) {
        return stack.function(functionId).environment();
    }
}
