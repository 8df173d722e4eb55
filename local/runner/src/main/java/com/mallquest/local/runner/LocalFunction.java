package com.mallquest.local.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A function and its warm containers. An invocation takes an idle container, or starts a new one while fewer
 * than {@code maxContainers} exist, or waits for one to be free (Lambda's concurrency model, bounded for a
 * laptop: one invocation per container at a time). Waiting invocations are served first come, first served: a
 * container that finishes goes straight to the longest waiting one, so none starves behind later arrivals. A
 * container that timed out or died is dropped; a fresh one takes its place (a cold start).
 */
public final class LocalFunction implements AutoCloseable {

    /** How long a starting runtime may take before its first {@code /next} (Lambda's on-demand init limit is 10 s;
     *  a laptop shared with a build needs more). */
    static final Duration INIT_LIMIT = Duration.ofSeconds(60);

    private final FunctionDefinition definition;
    private final Map<String, String> environment;
    private final Path runtimeLib;
    private final Consumer<String> log;
    private final int maxContainers;
    private final Deque<LambdaContainer> idle = new ArrayDeque<>();
    private final List<LambdaContainer> all = new ArrayList<>();
    /** Invocations waiting for a container, oldest first; each gets one handed to it by {@link #release}. */
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private boolean closed;
    private final java.util.concurrent.atomic.AtomicLong invocations = new java.util.concurrent.atomic.AtomicLong();
    private volatile InvocationResult lastResult;

    public LocalFunction(FunctionDefinition definition, Map<String, String> environment, Path runtimeLib,
                         Consumer<String> log, int maxContainers) {
        this.definition = definition;
        this.environment = Map.copyOf(environment);
        this.runtimeLib = runtimeLib;
        this.log = log;
        this.maxContainers = Math.max(1, maxContainers);
    }

    public FunctionDefinition definition() {
        return definition;
    }

    /** The environment every container of this function starts with. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Runs {@code event} (JSON bytes) in a container of this function and returns what Lambda would. */
    public InvocationResult invoke(byte[] event) {
        invocations.incrementAndGet();
        LambdaContainer container = acquire();
        try {
            InvocationResult result = container.invoke(event, INIT_LIMIT);
            lastResult = result;
            return result;
        } finally {
            release(container);
        }
    }

    /** How many invocations this function has been asked to run. */
    public long invocations() {
        return invocations.get();
    }

    /** How many invocations wait for a container now. */
    synchronized int waiting() {
        return waiting.size();
    }

    /** How many containers exist now (starting, busy or idle). */
    synchronized int containers() {
        all.removeIf(c -> !c.isAlive());
        return all.size();
    }

    /** The result of the latest finished invocation, if any. */
    public java.util.Optional<InvocationResult> lastResult() {
        return java.util.Optional.ofNullable(lastResult);
    }

    private synchronized LambdaContainer acquire() {
        if (closed) {
            throw new IllegalStateException(definition.logicalId() + " is stopped");
        }
        if (waiting.isEmpty()) {
            while (!idle.isEmpty()) {
                LambdaContainer candidate = idle.pop();
                if (candidate.isAlive()) {
                    return candidate;
                }
                all.remove(candidate);
            }
            all.removeIf(c -> !c.isAlive());
            if (all.size() < maxContainers) {
                return startContainer();
            }
        }
        Waiter waiter = new Waiter();
        waiting.addLast(waiter);
        while (waiter.container == null && waiter.failure == null) {
            if (closed) {
                waiting.remove(waiter);
                throw new IllegalStateException(definition.logicalId() + " is stopped");
            }
            try {
                wait();
            } catch (InterruptedException e) {
                waiting.remove(waiter);
                if (waiter.container != null) { // handed over just now: pass it on
                    release(waiter.container);
                }
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for a container of " + definition.logicalId());
            }
        }
        if (waiter.failure != null) {
            throw waiter.failure;
        }
        return waiter.container;
    }

    private LambdaContainer startContainer() {
        LambdaContainer fresh = LambdaContainer.start(definition, environment, runtimeLib, log);
        all.add(fresh);
        return fresh;
    }

    /**
     * Gives a finished invocation's container to the longest waiting invocation, or back to the idle ones; a dead
     * one is dropped and, when an invocation waits, replaced by a fresh one for it.
     */
    private synchronized void release(LambdaContainer container) {
        boolean alive = container.isAlive() && !closed;
        if (!alive) {
            all.remove(container);
            container.close();
        }
        if (closed) {
            notifyAll();
            return;
        }
        Waiter next = waiting.pollFirst();
        if (next == null) {
            if (alive) {
                idle.push(container);
            }
            return;
        }
        try {
            all.removeIf(c -> !c.isAlive());
            next.container = alive ? container : startContainer();
        } catch (RuntimeException e) {
            next.failure = e;
        }
        notifyAll();
    }

    /** An invocation waiting for a container. */
    private static final class Waiter {
        LambdaContainer container;
        RuntimeException failure;
    }

    @Override
    public synchronized void close() {
        closed = true;
        all.forEach(LambdaContainer::close);
        all.clear();
        idle.clear();
        notifyAll();
    }
}
