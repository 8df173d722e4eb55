package com.mallquest.local.runner;

import java.nio.file.Path;
import java.util.Map;

/**
 * One {@code AWS::Serverless::Function} of the template, with {@code Globals.Function} merged in.
 *
 * @param logicalId          the resource's logical id (also the local function name, as under {@code sam local})
 * @param artifact           the shaded jar {@code CodeUri} points to, absolute
 * @param handler            {@code Handler}, {@code class::method}
 * @param memoryMb           {@code MemorySize}
 * @param timeoutSeconds     {@code Timeout}
 * @param declaredVariables  {@code Environment.Variables} (globals, then the function's own), values as written
 *                           (strings or intrinsic maps)
 */
public record FunctionDefinition(String logicalId, Path artifact, String handler, int memoryMb, int timeoutSeconds,
                                 Map<String, Object> declaredVariables) {

    /** The handler's class name (before {@code ::}). */
    public String handlerClass() {
        int sep = handler.indexOf("::");
        return sep < 0 ? handler : handler.substring(0, sep);
    }
}
