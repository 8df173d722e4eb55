package com.mallquest.local.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The work a real redis-server did between {@link #start} and {@link #stop}: the commands by name with the server
 * time they took ({@code INFO commandstats}), the bytes received and sent ({@code INFO stats}), this class's own
 * {@code INFO} traffic left out, and the ECPU that ElastiCache Serverless's published rule makes of it: 1 ECPU per
 * command per KB transferred (at least 1), and a command that takes more vCPU time than a simple one (a script)
 * proportionally more; the higher of the two dimensions counts. The vCPU unit is measured on the same server: the
 * time of a {@code GET} of a 100-byte value.
 *
 * <pre>{@code
 * RedisWork work = RedisWork.start(meter);
 * ... 40 receipts ...
 * RedisWork.Done done = work.stop();
 * done.ecpu() / 40;            // ECPU a receipt
 * }</pre>
 */
public final class RedisWork {

    /** One command's calls and server time (microseconds) over the span. */
    public record Calls(long calls, long usec) {
        /** Server time of one call. */
        public double usecPerCall() {
            return calls == 0 ? 0 : usec / (double) calls;
        }
    }

    /**
     * What was done: {@code commands} by name, bytes in (commands) and out (replies), and {@code simpleUsec}, the
     * server time of a simple {@code GET} (the unit of the vCPU dimension).
     */
    public record Done(Map<String, Calls> commands, long bytesIn, long bytesOut, double simpleUsec) {
        /** Every command counted. */
        public long calls() {
            return commands.values().stream().mapToLong(Calls::calls).sum();
        }

        /** How many simple commands one call of {@code name} weighs in vCPU time (at least 1). */
        public double weight(String name) {
            return Math.max(1, commands.get(name).usecPerCall() / simpleUsec);
        }

        /**
         * ECPU by AWS's rule, the higher of the two dimensions: commands weighted by their vCPU time, or the KB they
         * moved (at least one per command either way).
         */
        public double ecpu() {
            double vcpu = commands.keySet().stream().mapToDouble(name -> commands.get(name).calls() * weight(name)).sum();
            return Math.max(vcpu, (bytesIn + bytesOut) / 1024.0);
        }

        /** {@code name=calls/per(xweight)} for each command, e.g. {@code evalsha=6.00(x3.1)}. */
        public String byCommand(double per) {
            StringBuilder out = new StringBuilder();
            commands.forEach((name, c) -> out.append(String.format(" %s=%.2f(x%.1f)", name, c.calls() / per, weight(name))));
            return out.toString().trim();
        }
    }

    private static final Pattern COMMAND = Pattern.compile("cmdstat_([^:]+):calls=(\\d+),usec=(\\d+)");
    /** {@code INFO stats} as this class sends it, counted by the server as input. */
    private static final long INFO_STATS_REQUEST = "*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n".length();

    private final RedisMeter meter;
    private final Map<String, Calls> before;
    private final String statsBefore;

    private RedisWork(RedisMeter meter) {
        this.meter = meter;
        this.before = commands(meter.info("commandstats"));
        this.statsBefore = meter.info("stats");
    }

    /** Starts counting now. */
    public static RedisWork start(RedisMeter meter) {
        return new RedisWork(meter);
    }

    /** Stops counting: what was done since {@link #start}, then a probe of the simple command's time. */
    public Done stop() {
        String statsAfter = meter.info("stats");
        Map<String, Calls> after = commands(meter.info("commandstats"));
        Map<String, Calls> done = new TreeMap<>();
        after.forEach((name, c) -> {
            Calls b = before.getOrDefault(name, new Calls(0, 0));
            if (!name.equals("info") && c.calls() > b.calls()) {
                done.put(name, new Calls(c.calls() - b.calls(), c.usec() - b.usec()));
            }
        });
        // the second INFO stats request is counted as input, the first one's reply as output
        long in = field(statsAfter, "total_net_input_bytes") - field(statsBefore, "total_net_input_bytes")
                - INFO_STATS_REQUEST;
        int replyLength = statsBefore.getBytes(StandardCharsets.UTF_8).length;
        long out = field(statsAfter, "total_net_output_bytes") - field(statsBefore, "total_net_output_bytes")
                - (("$" + replyLength + "\r\n").length() + replyLength + 2L);
        return new Done(done, in, out, simpleUsec());
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
