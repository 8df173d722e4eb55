package com.mallquest.local.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a real redis-server reports about its own work, for tests and measurements that need figures rather
 * than timings: the bytes it sent to clients ({@code INFO stats total_net_output_bytes}, this meter's own INFO replies
 * left out exactly), the memory it holds ({@code INFO memory used_memory}), a key's size ({@code MEMORY USAGE}) and
 * how many keys it has ({@code DBSIZE}).
 *
 * <pre>{@code
 * RedisMeter meter = RedisMeter.of(redis);
 * catalogue.find("zara");
 * long bytes = meter.takeSentBytes();   // bytes sent to clients since the meter was made (or last taken)
 * }</pre>
 */
public final class RedisMeter {
    private final RedisServer server;
    private long sentBase;
    private long lastInfoReply;

    private RedisMeter(RedisServer server) {
        this.server = server;
        this.sentBase = readSent();
    }

    /** A meter of one standalone server; sent bytes count from now. */
    public static RedisMeter of(RedisServer server) {
        return new RedisMeter(server);
    }

    /**
     * Bytes the server sent to clients since this meter was made or last taken; counts again from now. This meter's
     * own {@code INFO stats} replies are left out; its other calls are not, so make none between two takes.
     */
    public long takeSentBytes() {
        long before = sentBase;
        long ownReply = lastInfoReply;
        long now = readSent();
        sentBase = now;
        return now - before - ownReply;
    }

    /** {@code used_memory}: bytes the server's allocator holds for data and overhead. */
    public long usedMemory() {
        return field(info("memory"), "used_memory");
    }

    /** {@code MEMORY USAGE key SAMPLES 0}: the bytes of one key and its value (0 when absent). */
    public long memoryUsage(String key) {
        String reply = call("MEMORY", "USAGE", key, "SAMPLES", "0");
        return reply == null ? 0 : Long.parseLong(reply);
    }

    /** {@code DBSIZE}: keys in the current database. */
    public long keys() {
        return Long.parseLong(call("DBSIZE"));
    }

    /** One section of {@code INFO}, as text. */
    public String info(String section) {
        return call("INFO", section);
    }

    /** Sends one command and returns its reply as text (arrays joined by newlines). */
    public String call(String... args) {
        try {
            return server.command(args);
        } catch (IOException e) {
            throw new UncheckedIOException(args[0] + " failed on " + server, e);
        }
    }

    private long readSent() {
        String reply = info("stats");
        // the counter in this reply does not include the reply itself: it is counted by the next read
        int length = reply.getBytes(StandardCharsets.UTF_8).length;
        lastInfoReply = ("$" + length + "\r\n").length() + length + 2L;
        return field(reply, "total_net_output_bytes");
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new IllegalStateException("INFO has no " + name);
    }
}
