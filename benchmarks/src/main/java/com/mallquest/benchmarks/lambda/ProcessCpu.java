package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.LocalStack;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The CPU time processes have spent so far, as the operating system counts it. */
final class ProcessCpu {

    private static final Pattern PORT = Pattern.compile(":(\\d+)$");

    private ProcessCpu() { }

    /** CPU time so far of the runner, its function JVMs, moto_server, Redis and this JVM (the load generator). */
    static Map<String, Duration> of(Process runner, LocalStack stack) {
        Map<String, Duration> cpu = new LinkedHashMap<>();
        cpu.put("runner", of(runner.toHandle()));
        cpu.put("functions", sum(runner.descendants()));
        String dynamoDbPort = Integer.toString(stack.backends().dynamoDbEndpoint().getPort());
        URI redis = URI.create(stack.backends().cacheUrl());
        cpu.put("moto_server", sum(ProcessHandle.allProcesses().filter(p -> commandLine(p).contains("moto_server")
                && commandLine(p).contains(dynamoDbPort))));
        cpu.put("redis", sum(ProcessHandle.allProcesses().filter(p -> commandLine(p).contains("redis-server")
                && redisPort(p) == redis.getPort())));
        cpu.put("load generator", of(ProcessHandle.current()));
        return cpu;
    }

    /** The CPU time the process has spent so far. */
    static Duration of(ProcessHandle p) {
        return p.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    static Duration sum(Stream<ProcessHandle> processes) {
        return processes.map(ProcessCpu::of).reduce(Duration.ZERO, Duration::plus);
    }

    /** The process's command line as {@code /proc} shows it (a program may rewrite it, as redis-server does). */
    static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return p.info().commandLine().orElse("");
        }
    }

    /**
     * The port a redis-server listens on: redis-server rewrites its process title to {@code redis-server host:port},
     * so that is what {@code /proc} shows as its command line.
     */
    private static int redisPort(ProcessHandle p) {
        Matcher port = PORT.matcher(commandLine(p).trim());
        return port.find() ? Integer.parseInt(port.group(1)) : -1;
    }
}
