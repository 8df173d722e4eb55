package com.mallquest.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One log line as JSON, written by hand (no JSON library on the logging path: nothing to load at cold start, no
 * failure mode of its own). Fields in a fixed order: timestamp, level, logger, message, function, functionVersion,
 * the context's fields, the call's fields, then the error. A key written once wins: a call field cannot overwrite
 * {@code level} or a context id.
 */
final class LogLine {

    private LogLine() { }

    static String format(long epochMillis, Log.Level level, String logger, String message, LogSettings settings,
                         Map<String, Object> context, Object[] fields, Throwable error) {
        StringBuilder out = new StringBuilder(256);
        Set<String> written = new HashSet<>();
        out.append('{');
        member(out, written, "timestamp", Instant.ofEpochMilli(epochMillis).toString());
        member(out, written, "level", level.name());
        member(out, written, "logger", logger);
        member(out, written, "message", message == null ? "" : message);
        member(out, written, "function", settings.functionName());
        member(out, written, "functionVersion", settings.functionVersion());
        for (Map.Entry<String, Object> e : context.entrySet()) {
            member(out, written, e.getKey(), e.getValue());
        }
        if (fields != null) {
            for (int i = 0; i + 1 < fields.length; i += 2) {
                member(out, written, String.valueOf(fields[i]), fields[i + 1]);
            }
        }
        if (error != null) {
            member(out, written, "errorType", error.getClass().getName());
            member(out, written, "errorMessage", error.getMessage());
            member(out, written, "stackTrace", stackTrace(error));
        }
        out.append("}\n");
        return out.toString();
    }

    private static void member(StringBuilder out, Set<String> written, String key, Object value) {
        if (value == null || !written.add(key)) {
            return;
        }
        if (out.length() > 1) {
            out.append(',');
        }
        string(out, key);
        out.append(':');
        if (Redaction.isSecretField(key)) {
            string(out, Redaction.REDACTED);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.append(value);
            } else {
                string(out, String.valueOf(value));
            }
        } else if (value instanceof Number) {
            out.append(value); // BigDecimal, BigInteger: exact
        } else {
            string(out, Redaction.scrub(String.valueOf(value)));
        }
    }

    private static String stackTrace(Throwable error) {
        StringWriter trace = new StringWriter(1024);
        error.printStackTrace(new PrintWriter(trace));
        return trace.toString().stripTrailing();
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
