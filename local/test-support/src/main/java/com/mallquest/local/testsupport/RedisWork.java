package com.mallquest.local.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The work a real redis-server did between {@link #start} and {@link #stop}: the commands clients sent, by name
 * ({@code MONITOR}, leaving out those a script ran: they are part of the script's work), the server time each name
 * took ({@code INFO commandstats}; a script's includes what it ran), the bytes received and sent ({@code INFO
 * stats}), this class's own traffic left out, and the ECPU that ElastiCache Serverless's published rule makes of it:
 * 1 ECPU per command per KB transferred (at least 1), and a command that takes more vCPU time than a simple one (a
 * script) proportionally more; the higher of the two dimensions counts. The vCPU unit is measured on the same server:
 * the time of a {@code GET} of a 100-byte value.
 *
 * <pre>{@code
 * RedisWork counting = RedisWork.start(redisServer, true);
 * ... 40 receipts ...
 * RedisWork.Done counted = counting.stop();
 * RedisWork timing = RedisWork.start(redisServer, false);
 * ... 40 receipts ...
 * RedisWork.ecpuPerOperation(counted, 40, timing.stop(), 40);   // ECPU a receipt
 * }</pre>
 */
public final class RedisWork {

    /** One command's calls and server time (microseconds) over the span. */
    public record Calls(long calls, long usec) {
        Calls minus(Calls other) {
            return new Calls(calls - other.calls, usec - other.usec);
        }

        /** Server time of one call. */
        public double usecPerCall() {
            return calls == 0 ? 0 : usec / (double) calls;
        }
    }

    /**
     * What was done: {@code sent}, the commands clients sent by name (counted under MONITOR; empty when not
     * monitored); {@code all}, every call by name with its server time ({@code INFO commandstats}, a script's
     * commands included, in its time too); how many commands scripts ran (monitored only); bytes in (commands) and
     * out (replies); and {@code simpleUsec}, the server time of a simple {@code GET} (the unit of the vCPU dimension).
     * MONITOR slows scripts down, so take the counts from a monitored span and the times from another.
     */
    public record Done(Map<String, Long> sent, Map<String, Calls> all, long scriptCommands, long bytesIn, long bytesOut,
                       double simpleUsec) {
        /** The commands clients sent. */
        public long calls() {
            return sent.values().stream().mapToLong(Long::longValue).sum();
        }

        /** How many simple commands one call of {@code name} weighs in vCPU time here (at least 1). */
        public double weight(String name) {
            Calls calls = all.get(name);
            return calls == null ? 1 : Math.max(1, calls.usecPerCall() / simpleUsec);
        }

        /** Bytes both ways. */
        public long bytes() {
            return bytesIn + bytesOut;
        }
    }

    /**
     * ECPU an operation by AWS's rule, the higher of the two dimensions: the commands sent an operation in
     * {@code counted} ({@code countedOps} operations, monitored) each weighted by its vCPU time in {@code timed}
     * ({@code timedOps} operations of the same kind, not monitored), or the KB {@code timed} moved an operation.
     */
    public static double ecpuPerOperation(Done counted, int countedOps, Done timed, int timedOps) {
        double vcpu = counted.sent().entrySet().stream()
                .mapToDouble(e -> e.getValue() / (double) countedOps * timed.weight(e.getKey())).sum();
        return Math.max(vcpu, timed.bytes() / 1024.0 / timedOps);
    }

    /** {@code name=sent per operation(x vCPU weight)}, e.g. {@code eval=7.00(x12.7)}. */
    public static String byCommand(Done counted, int countedOps, Done timed) {
        StringBuilder out = new StringBuilder();
        counted.sent().forEach((name, calls) -> out.append(String.format(" %s=%.2f(x%.1f)", name,
                calls / (double) countedOps, timed.weight(name))));
        return out.toString().trim();
    }

    private static final Pattern COMMAND = Pattern.compile("cmdstat_([^:]+):calls=(\\d+),usec=(\\d+)");
    /** A MONITOR line: time, {@code [db client]} ({@code [0 lua]} for a script's), then the quoted command name. */
    private static final Pattern MONITORED = Pattern.compile("^\\+[0-9.]+ \\[\\d+ ([^\\]]+)\\] \"([^\"]+)\"");
    private static final String END = "redis-work:end";
    /** {@code INFO stats} as this class sends it, counted by the server as input. */
    private static final long INFO_STATS_REQUEST = "*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n".length();

    private final RedisMeter meter;
    private final Socket monitor; // null: not monitored
    private final Map<String, Long> sent = new TreeMap<>();
    private final AtomicLong scripted = new AtomicLong();
    /** MONITOR's own output between the two INFO stats readings: the server counts it as sent bytes. */
    private final AtomicLong monitorBytes = new AtomicLong();
    private int statsReadings;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Map<String, Calls> before;
    private final String statsBefore;

    private RedisWork(RedisServer server, boolean monitored) throws IOException {
        this.meter = RedisMeter.of(server);
        this.monitor = monitored ? new Socket("127.0.0.1", server.port()) : null;
        if (monitored) {
            monitor.getOutputStream().write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader lines = new BufferedReader(new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8));
            if (!"+OK".equals(lines.readLine())) {
                throw new IOException("MONITOR refused by " + server);
            }
            Thread reader = new Thread(() -> read(lines), "redis-work-monitor");
            reader.setDaemon(true);
            reader.start();
        }
        this.before = commands(meter.info("commandstats"));
        this.statsBefore = meter.info("stats");
    }

    /**
     * Starts counting now; {@code monitored}: with the commands clients send counted (a MONITOR connection of its
     * own, closed by {@link #stop}).
     */
    public static RedisWork start(RedisServer server, boolean monitored) {
        try {
            return new RedisWork(server, monitored);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read(BufferedReader lines) {
        try {
            for (String line; (line = lines.readLine()) != null; ) {
                Matcher m = MONITORED.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String name = m.group(2).toLowerCase(java.util.Locale.ROOT);
                if (name.equals("info") && line.contains("\"stats\"")) {
                    statsReadings++;
                }
                if (statsReadings == 1) {
                    monitorBytes.addAndGet(line.getBytes(StandardCharsets.UTF_8).length + 2);
                }
                if (m.group(1).equals("lua")) {
                    scripted.incrementAndGet();
                } else if (name.equals("echo") && line.contains(END)) {
                    ended.countDown();
                } else if (!name.equals("info")) {
                    synchronized (sent) {
                        sent.merge(name, 1L, Long::sum);
                    }
                }
            }
        } catch (IOException e) {
            // the connection closed: stop() is done with it
        }
    }

    /** Stops counting: what was done since {@link #start}, then a probe of the simple command's time. */
    public Done stop() {
        String statsAfter = meter.info("stats");
        Map<String, Calls> after = commands(meter.info("commandstats"));
        if (monitor != null) {
            meter.call("ECHO", END);
            try {
                if (!ended.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("MONITOR did not show the end of the span");
                }
                monitor.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, Calls> all = new TreeMap<>();
        after.forEach((name, calls) -> {
            Calls delta = calls.minus(before.getOrDefault(name, new Calls(0, 0)));
            if (!name.equals("info") && !name.equals("echo") && delta.calls() > 0) {
                all.put(name, delta);
            }
        });
        Map<String, Long> done;
        synchronized (sent) {
            done = new TreeMap<>(sent);
        }
        // the second INFO stats request is counted as input, the first one's reply as output
        long in = field(statsAfter, "total_net_input_bytes") - field(statsBefore, "total_net_input_bytes")
                - INFO_STATS_REQUEST;
        int replyLength = statsBefore.getBytes(StandardCharsets.UTF_8).length;
        long out = field(statsAfter, "total_net_output_bytes") - field(statsBefore, "total_net_output_bytes")
                - (("$" + replyLength + "\r\n").length() + replyLength + 2L) - monitorBytes.get();
        return new Done(done, all, scripted.get(), in, out, simpleUsec());
    }

    /** The server time of a {@code GET} of a 100-byte value, over 2,000 calls. */
    private double simpleUsec() {
        meter.call("SET", "redis-work:probe", "x".repeat(100));
        Calls b = commands(meter.info("commandstats")).getOrDefault("get", new Calls(0, 0));
        for (int i = 0; i < 2_000; i++) {
            meter.call("GET", "redis-work:probe");
        }
        Calls a = commands(meter.info("commandstats")).get("get");
        meter.call("DEL", "redis-work:probe");
        return (a.usec() - b.usec()) / (double) (a.calls() - b.calls());
    }

    private static Map<String, Calls> commands(String info) {
        Map<String, Calls> out = new TreeMap<>();
        Matcher m = COMMAND.matcher(info);
        while (m.find()) {
            out.put(m.group(1), new Calls(Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
        }
        return out;
    }

    private static long field(String info, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":(\\d+)").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("INFO has no " + name);
        }
        return Long.parseLong(m.group(1));
    }
}
