package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.FunctionDefinition;
import com.mallquest.local.runner.InvocationResult;
import com.mallquest.local.runner.LocalFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Cold start of every function of the template (a fresh container: JVM start, the runtime client's Init, the first
 * invocation of the function's sample event), median of {@code --cold-runs}, beside the bare handler started the same
 * way with the same flags and environment. Runs are interleaved (each round starts every function once) so that drift
 * on a shared machine hits every figure alike.
 */
final class ColdStart {

    private final Containers containers;
    private final SampleEvents events;
    private final Consumer<String> out;

    ColdStart(Containers containers, SampleEvents events, Consumer<String> out) {
        this.containers = containers;
        this.events = events;
        this.out = out;
    }

    /** Measures {@code rounds} rounds and adds the wall-time and CPU rows to {@code table}. */
    void measure(int rounds, List<Side> sides, List<String> functionIds, Bare bare, ResultTable table) {
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            double[] bareRun = coldStart(bare.function(), bare.environment(), events.bareEvent());
            times.computeIfAbsent(Bare.ID, k -> new ArrayList<>()).add(bareRun[0]);
            cpu.computeIfAbsent(Bare.ID, k -> new ArrayList<>()).add(bareRun[1]);
            for (Side side : sides) {
                for (FunctionDefinition function : side.functions().values()) {
                    Map<String, String> env = side.environment(function.logicalId());
                    double[] run = coldStart(function, env, events.sampleEvent(side.root(), function.logicalId(), "cold-" + round));
                    times.computeIfAbsent(side.label() + "|" + function.logicalId(), k -> new ArrayList<>()).add(run[0]);
                    cpu.computeIfAbsent(side.label() + "|" + function.logicalId(), k -> new ArrayList<>()).add(run[1]);
                }
            }
            out.accept("  cold-start round " + (round + 1) + "/" + rounds + " done");
        }
        rows(table, "cold start: ", times, functionIds, "goal ≤ 2.50× bare");
        // The CPU the container's JVM spent until its first answer: the same work whatever else the machine runs, so
        // on a busy machine it shows a lever's direction where the wall times above scatter.
        rows(table, "cold start CPU: ", cpu, functionIds, "JVM CPU until the first answer");
    }

    private static void rows(ResultTable table, String prefix, Map<String, List<Double>> runs, List<String> functionIds, String goal) {
        Stats bare = Stats.of(runs.get(Bare.ID));
        table.row(prefix + Bare.ID + " (baseline)", s -> bare.spread(), "");
        for (String id : functionIds) {
            table.row(prefix + id, s -> {
                List<Double> t = runs.get(s.label() + "|" + id);
                return t == null ? "-" : Stats.of(t).spread() + String.format(" = %.2f× bare", Stats.of(t).median() / bare.median());
            }, goal);
        }
    }

    /**
     * A fresh container's first invocation: its wall time (JVM start, Init, the invocation) and the CPU time its JVM
     * spent until then (ms, both).
     */
    private double[] coldStart(FunctionDefinition function, Map<String, String> environment, byte[] event) {
        try (LocalFunction fresh = containers.fresh(function, environment)) {
            long start = System.nanoTime();
            InvocationResult result = fresh.invoke(event);
            double ms = (System.nanoTime() - start) / 1e6;
            containers.requireSuccess(function.logicalId(), result);
            String handler = function.handler();
            double cpuMs = ProcessCpu.sum(ProcessHandle.current().children()
                    .filter(p -> p.isAlive() && ProcessCpu.commandLine(p).contains(handler))).toNanos() / 1e6;
            return new double[] {ms, cpuMs};
        }
    }
}
