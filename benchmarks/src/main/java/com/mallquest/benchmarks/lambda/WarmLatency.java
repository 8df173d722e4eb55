package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.FunctionDefinition;
import com.mallquest.local.runner.InvocationResult;
import com.mallquest.local.runner.LocalFunction;
import com.mallquest.local.runner.LocalStack;
import com.mallquest.local.runner.LocalTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Warm {@code GET /users/me} (cached) and {@code POST /receipts} (distinct receipts): the runtime's Duration (event
 * handed out to response received) of {@code --warm} invocations in one warm container, p50 and p99, beside the bare
 * handler's and beside raw keep-alive HTTP {@code GetItem}/{@code PutItem} round trips to the same moto_server (the
 * goals: bare p50 + 2 reads, bare p50 + 10 writes, p99 &le; 3&times; p50).
 */
final class WarmLatency {

    private final Containers containers;
    private final SampleEvents events;
    private final int warm;
    private final int warmUp;

    WarmLatency(Containers containers, SampleEvents events, int warm, int warmUp) {
        this.containers = containers;
        this.events = events;
        this.warm = warm;
        this.warmUp = warmUp;
    }

    /** Measures the bare handler, the raw round trips and both routes on every side; adds their rows to {@code table}. */
    void measure(LocalStack stack, Bare bare, ResultTable table) {
        Stats bareStats = durations(bare.function(), bare.environment(), i -> events.bareEvent());
        RawDynamo raw = new RawDynamo(stack.backends().dynamoDbEndpoint(), stack.backends().tableNames().get("UsersTable"));
        Stats rawRead = raw.getItems(warm);
        Stats rawWrite = raw.putItems(warm);
        table.row("warm: " + Bare.ID + " p50 / p99 (baseline)", s -> bareStats.p50p99(), "");
        table.row("warm: raw GetItem / PutItem p50, keep-alive HTTP", s -> String.format("%.2f / %.2f ms", rawRead.median(), rawWrite.median()), "");
        for (String route : List.of("GET /users/me", "POST /receipts")) {
            String functionId = stack.template().routes().stream().filter(r -> r.routeKey().equals(route)).findFirst()
                    .map(LocalTemplate.Route::functionId).orElse(null);
            if (functionId == null) {
                continue;
            }
            boolean read = route.startsWith("GET");
            double goal = bareStats.median() + (read ? 2 * rawRead.median() : 10 * rawWrite.median());
            table.row("warm: " + route + (read ? " (cached)" : " (distinct receipts)") + " p50 / p99", s -> {
                FunctionDefinition function = s.functions().get(functionId);
                if (function == null) {
                    return "-";
                }
                Stats stats = durations(function, s.environment(functionId),
                        i -> events.sampleEvent(s.root(), functionId, s.label() + "-warm-" + i));
                return stats.p50p99() + String.format(" (p99 %.1f× p50)", stats.quantile(0.99) / stats.median());
            }, String.format("goal p50 ≤ %.2f ms (bare + %s), p99 ≤ 3× p50", goal, read ? "2 reads" : "10 writes"));
        }
    }

    /**
     * Runtime Durations of {@code warm} invocations in one warm container, after {@code warmUp} to warm it: with the
     * template's {@code TieredStopAtLevel=1} a method is compiled after about 200 calls, so fewer warm-up calls measure
     * the JIT at work, not a warm container.
     */
    private Stats durations(FunctionDefinition function, Map<String, String> environment, IntFunction<byte[]> event) {
        try (LocalFunction container = containers.fresh(function, environment)) {
            for (int i = 0; i < warmUp; i++) {
                containers.requireSuccess(function.logicalId(), container.invoke(event.apply(-1 - i)));
            }
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < warm; i++) {
                InvocationResult result = container.invoke(event.apply(i));
                containers.requireSuccess(function.logicalId(), result);
                ms.add(result.duration().toNanos() / 1e6);
            }
            return Stats.of(ms);
        }
    }
}
