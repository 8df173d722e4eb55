package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.FunctionDefinition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Each function's {@code CodeUri} jar and each of their layers ({@code java/lib} jars of its {@code ContentUri}) against
 * the 8 MiB goal, and the code one function loads (its jar and its layers).
 */
final class ArtifactSizes {

    private static final long GOAL_BYTES = 8L * 1024 * 1024;

    private ArtifactSizes() { }

    /** Adds the rows of the bare handler's jar, every function's, every layer's and the largest function's code. */
    static void measure(List<Side> sides, Path bareJar, ResultTable table) {
        table.row("artifact: " + Bare.ID, s -> mib(size(bareJar)), "");
        List<String> ids = sides.get(sides.size() - 1).functions().keySet().stream().toList();
        for (String id : ids) {
            table.row("artifact: " + id, s -> {
                FunctionDefinition f = s.functions().get(id);
                return f == null ? "-" : mib(size(f.artifact())) + String.format(" = %.2f× goal", size(f.artifact()) / (double) GOAL_BYTES);
            }, "goal ≤ 8 MiB");
        }
        // Each layer the functions use (its java/lib jars, relative to the side's root), and one function's whole code.
        Set<Path> layers = new LinkedHashSet<>();
        for (Side side : sides) {
            side.functions().values().forEach(f -> f.layers().forEach(lib -> layers.add(side.root().relativize(lib))));
        }
        for (Path layer : layers) {
            table.row("artifact: layer " + layer, s -> {
                long bytes = layerBytes(s, layer);
                return bytes < 0 ? "-" : mib(bytes) + String.format(" = %.2f× goal", bytes / (double) GOAL_BYTES);
            }, "goal ≤ 8 MiB (one layer shared by every function)");
        }
        if (!layers.isEmpty()) {
            table.row("artifact: largest function + its layers (the code one function loads)", s ->
                    mib(s.functions().values().stream()
                            .mapToLong(f -> size(f.artifact()) + f.layerJars().stream().mapToLong(ArtifactSizes::size).sum())
                            .max().orElse(0)), "");
        }
    }

    /** The bytes of the layer jars at {@code layer} (relative to the side's root), or -1 when no function of it uses it. */
    private static long layerBytes(Side side, Path layer) {
        Path lib = side.root().resolve(layer).normalize();
        return side.functions().values().stream().filter(f -> f.layers().contains(lib)).findFirst()
                .map(f -> f.layerJars().stream().filter(j -> j.startsWith(lib)).mapToLong(ArtifactSizes::size).sum())
                .orElse(-1L);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String mib(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0); // a thin function jar
        }
        return String.format("%.1f MiB", bytes / 1024.0 / 1024.0);
    }
}
