package com.mallquest.core.operations.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This container's memory and uptime (the seed's psutil figures), for the {@code runtime} section of
 * {@code GET /metrics}. These are per instance by nature: every other figure there is fleet-wide.
 *
 * @param heapUsedBytes      JVM heap in use
 * @param heapCommittedBytes JVM heap reserved from the OS
 * @param heapMaxBytes       the heap's limit
 * @param residentBytes      resident set size of the process (Linux {@code VmRSS}); null where unknown
 * @param memoryLimitMb      the function's configured memory ({@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}); null outside Lambda
 * @param memoryUsedRatio    {@code residentBytes / memoryLimit}; null when either is unknown
 * @param uptimeSeconds      seconds since this JVM started
 */
public record RuntimeFigures(
        long heapUsedBytes,
        long heapCommittedBytes,
        long heapMaxBytes,
        Long residentBytes,
        Integer memoryLimitMb,
        Double memoryUsedRatio,
        long uptimeSeconds) {

    private static final Instant FALLBACK_START = Instant.now();

    /** The figures now; {@code memoryLimitMb} as configured for the function, when known. */
    public static RuntimeFigures current(Optional<Integer> memoryLimitMb, Instant now) {
        Runtime rt = Runtime.getRuntime();
        Long rss = residentSetBytes();
        Double ratio = rss != null && memoryLimitMb.isPresent()
                ? FleetWindows.round((double) rss / (memoryLimitMb.get() * 1024L * 1024L)) : null;
        Instant started = ProcessHandle.current().info().startInstant().orElse(FALLBACK_START);
        return new RuntimeFigures(rt.totalMemory() - rt.freeMemory(), rt.totalMemory(), rt.maxMemory(),
                rss, memoryLimitMb.orElse(null), ratio, Math.max(0, Duration.between(started, now).toSeconds()));
    }

    private static Long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: unknown
        }
        return null;
    }
}
