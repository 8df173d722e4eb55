package com.mallquest.local.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Counts the round trips clients make to real redis-servers, as the servers see them: each server's
 * {@code INFO stats} {@code total_writes_processed} is the number of times it wrote replies to a client, and a
 * client that waits for each reply (one command, one Lua script, or one pipeline sent at once) makes one write
 * per round trip. Pipelined commands that reach a server together are answered in one write, so a pipeline
 * counts once per node it touches. This counter's own {@code INFO} replies are left out.
 *
 * <p>Count with nothing else using the servers (an {@code OwnRedis} of the test, not the shared one), after a
 * first call has opened the client's connections (opening one costs round trips of its own).
 *
 * <pre>{@code
 * RedisRoundTrips trips = RedisRoundTrips.of(redis);
 * handler.handleRequest(event, null);
 * assertEquals(1, trips.take());   // round trips since the counter was made (or last taken)
 * }</pre>
 */
public final class RedisRoundTrips {
    private final List<RedisServer> nodes;
    private long base;

    private RedisRoundTrips(List<RedisServer> nodes) {
        this.nodes = List.copyOf(nodes);
        this.base = writes();
    }

    /** A counter of one standalone server, starting now. */
    public static RedisRoundTrips of(RedisServer server) {
        return new RedisRoundTrips(List.of(server));
    }

    /** A counter of every node of a cluster (a pipeline over two nodes counts two), starting now. */
    public static RedisRoundTrips of(RedisCluster cluster) {
        return new RedisRoundTrips(cluster.nodes());
    }

    /** The round trips since this counter was made or last taken; starts counting again from now. */
    public long take() {
        long now = writes();
        // every INFO this counter sent before `now` was read was answered by one write, counted in `now`
        long trips = now - base - nodes.size();
        base = now;
        return trips;
    }

    private long writes() {
        long sum = 0;
        for (RedisServer node : nodes) {
            sum += totalWritesProcessed(node);
        }
        return sum;
    }

    private static long totalWritesProcessed(RedisServer node) {
        String info;
        try {
            info = node.command("INFO", "stats");
        } catch (IOException e) {
            throw new UncheckedIOException("INFO stats failed on " + node, e);
        }
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("total_writes_processed:")) {
                return Long.parseLong(line.substring("total_writes_processed:".length()).trim());
            }
        }
        throw new IllegalStateException(node + " reports no total_writes_processed (redis-server 6.0 or later needed)");
    }
}
