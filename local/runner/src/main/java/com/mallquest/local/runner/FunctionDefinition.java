package com.mallquest.local.runner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One {@code AWS::Serverless::Function} of the template, with {@code Globals.Function} merged in.
 *
 * @param logicalId          the resource's logical id (also the local function name, as under {@code sam local})
 * @param artifact           the jar {@code CodeUri} points to, absolute
 * @param layers             the {@code java/lib} directories of its {@code Layers} (each layer's {@code ContentUri}
 *                           directory, absolute): their jars are what Lambda's Java runtime puts on the function's
 *                           class path from {@code /opt/java/lib}
 * @param handler            {@code Handler}, {@code class::method}
 * @param memoryMb           {@code MemorySize}
 * @param timeoutSeconds     {@code Timeout}
 * @param declaredVariables  {@code Environment.Variables} (globals, then the function's own), values as written
 *                           (strings or intrinsic maps)
 */
public record FunctionDefinition(String logicalId, Path artifact, List<Path> layers, String handler, int memoryMb,
                                 int timeoutSeconds, Map<String, Object> declaredVariables) {

    public FunctionDefinition {
        layers = List.copyOf(layers);
    }

    /** A function without layers. */
    public FunctionDefinition(String logicalId, Path artifact, String handler, int memoryMb, int timeoutSeconds,
                              Map<String, Object> declaredVariables) {
        this(logicalId, artifact, List.of(), handler, memoryMb, timeoutSeconds, declaredVariables);
    }

    /** The jars of its layers, in the order {@code Layers} lists them, each layer's in name order (none when unbuilt). */
    public List<Path> layerJars() {
        List<Path> jars = new java.util.ArrayList<>();
        for (Path lib : layers) {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(lib)) {
                files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
            } catch (java.io.IOException e) {
                // not built: LocalStack.checkArtifact says so
            }
        }
        return jars;
    }

    /** The handler's class name (before {@code ::}). */
    public String handlerClass() {
        int sep = handler.indexOf("::");
        return sep < 0 ? handler : handler.substring(0, sep);
    }
}
