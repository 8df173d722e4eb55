package com.mallquest.logging;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The code base's one logger: each call writes one JSON object on one line of standard output (CloudWatch Logs
 * in Lambda, where Logs Insights discovers every member as a field).
 *
 * <p>A line carries {@code timestamp}, {@code level}, {@code logger}, {@code message}, {@code function} and
 * {@code functionVersion}, then the fields of the thread's {@link LogContext} (inside a Lambda invocation
 * {@code lambdaRequestId}, {@code traceId}, {@code coldStart}; in an HTTP function also {@code requestId},
 * {@code route}, {@code userId}, ...), then the call's own fields. An error adds {@code errorType},
 * {@code errorMessage} and {@code stackTrace} (one string: the line stays one line). Ids go in fields, never in the
 * message, so a query can filter on them. Secrets never reach a line: see {@link Redaction}.
 *
 * <p>The level is {@code AWS_LAMBDA_LOG_LEVEL} (set by Lambda from the template's {@code LoggingConfig}) or else
 * {@code LOG_LEVEL} ({@code DEBUG}, {@code INFO} (default), {@code WARN}, {@code ERROR}; {@code TRACE} counts as
 * DEBUG, {@code FATAL} as ERROR). Libraries logging through SLF4J (AWS SDK, Jedis, EMF) come out the same way, at
 * {@code WARN} and above (or the configured level if it is higher).
 *
 * <pre>{@code
 * private static final Log LOG = Log.of(ReceiptService.class);
 *
 * LOG.info("pending claim completed", "creditId", claim.creditId());      // message, then key/value fields
 * LOG.warn("effect not published", e, "effectType", "coin_earned");        // an error as fields, stack included
 * if (LOG.enabled(Log.Level.DEBUG)) { LOG.debug("claim read", "item", expensiveDescription()); }
 * }</pre>
 * Values are written as JSON numbers and booleans when they are ones, as strings otherwise; a null value leaves its
 * field out.
 */
public final class Log {

    /** Severity, lowest first. */
    public enum Level {
        DEBUG, INFO, WARN, ERROR;

        /**
         * The level a configuration value names, case-insensitive ({@code TRACE} is DEBUG, {@code FATAL} and
         * {@code CRITICAL} are ERROR, {@code WARNING} is WARN), or null when it names none.
         */
        public static Level parse(String value) {
            if (value == null) {
                return null;
            }
            return switch (value.trim().toUpperCase(Locale.ROOT)) {
                case "TRACE", "DEBUG" -> DEBUG;
                case "INFO" -> INFO;
                case "WARN", "WARNING" -> WARN;
                case "ERROR", "FATAL", "CRITICAL" -> ERROR;
                default -> null;
            };
        }
    }

    private static final LogSettings SETTINGS = LogSettings.fromEnvironment(System.getenv());
    private static volatile Level threshold = initialThreshold();

    private final String name;

    private Log(String name) {
        this.name = name;
    }

    /** The logger named after {@code type} (its fully qualified name, the {@code logger} field). */
    public static Log of(Class<?> type) {
        return new Log(type.getName());
    }

    /** The logger called {@code name}. */
    public static Log named(String name) {
        return new Log(name);
    }

    /** The level below which lines are dropped. */
    public static Level threshold() {
        return threshold;
    }

    /**
     * Changes the threshold for the rest of this JVM's life (tests; a running function takes it from the
     * environment at start).
     */
    public static void setThreshold(Level level) {
        threshold = level;
    }

    /** True when a line at {@code level} is written. */
    public boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    /** A DEBUG line: {@code fields} are key/value pairs. */
    public void debug(String message, Object... fields) {
        log(Level.DEBUG, message, null, fields);
    }

    /** An INFO line: {@code fields} are key/value pairs. */
    public void info(String message, Object... fields) {
        log(Level.INFO, message, null, fields);
    }

    /** An INFO line with {@code fields} as its fields (a summary, say), in the map's order. */
    public void info(String message, Map<String, ?> fields) {
        if (enabled(Level.INFO)) {
            log(Level.INFO, message, null, fields.entrySet().stream().flatMap(f -> Stream.of(f.getKey(), f.getValue())).toArray());
        }
    }

    /** A WARN line: {@code fields} are key/value pairs. */
    public void warn(String message, Object... fields) {
        log(Level.WARN, message, null, fields);
    }

    /** A WARN line with {@code error}'s type, message and stack trace. */
    public void warn(String message, Throwable error, Object... fields) {
        log(Level.WARN, message, error, fields);
    }

    /** An ERROR line: {@code fields} are key/value pairs. */
    public void error(String message, Object... fields) {
        log(Level.ERROR, message, null, fields);
    }

    /** An ERROR line with {@code error}'s type, message and stack trace. */
    public void error(String message, Throwable error, Object... fields) {
        log(Level.ERROR, message, error, fields);
    }

    /** Writes a line at {@code level} if it is enabled; {@code error} may be null. */
    public void log(Level level, String message, Throwable error, Object... fields) {
        if (!enabled(level)) {
            return;
        }
        String line = LogLine.format(System.currentTimeMillis(), level, name, message, SETTINGS,
                LogContext.current(), fields, error);
        PrintStream out = System.out; // read per line: a test that redirects stdout sees the lines
        out.print(line);
        out.flush();
    }

    private static Level initialThreshold() {
        if (SETTINGS.level().isEmpty()) {
            return Level.INFO;
        }
        Level parsed = Level.parse(SETTINGS.level().get());
        if (parsed == null) {
            new Log(Log.class.getName()).log(Level.WARN, "unknown log level; logging at INFO", null,
                    "configured", SETTINGS.level().get());
            return Level.INFO;
        }
        return parsed;
    }
}
