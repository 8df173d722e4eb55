package com.mallquest.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fields every log line of the current thread carries until they are removed: the correlation ids of the
 * invocation and the domain ids at hand ({@code userId}, {@code creditId}, {@code receiptId}, {@code storeId}, ...).
 *
 * <p>{@code ApiHandler} opens an invocation for each request ({@link #beginInvocation}: {@code lambdaRequestId},
 * {@code traceId}, {@code coldStart}) and adds {@code requestId}, {@code route}, {@code userId} and the ids in the
 * path; closing it at the end of the request clears everything. Code below adds what it knows, in one line:
 *
 * <pre>{@code
 * LogContext.put("receiptId", submission.receiptId());          // for the rest of this invocation
 *
 * for (ReceiptClaim claim : pending) {                          // for one iteration: restored on close
 *     try (LogContext.Scope s = LogContext.with("creditId", claim.creditId(), "userId", claim.userId())) {
 *         ...                                                   // every line in here carries both
 *     }
 * }
 * }</pre>
 * The fields are per thread (a task handed to another thread starts without them). Null values are ignored.
 */
public final class LogContext {

    private static final ThreadLocal<LinkedHashMap<String, Object>> FIELDS = ThreadLocal.withInitial(LinkedHashMap::new);
    private static volatile boolean firstInvocation = true;

    private LogContext() { }

    /** Something to close: it undoes what opened it. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Adds (or replaces) {@code key} for every later line of this thread, until the invocation ends. */
    public static void put(String key, Object value) {
        if (key != null && value != null) {
            FIELDS.get().put(key, value);
        }
    }

    /** {@link #put(String, Object)} for several key/value pairs: {@code put("storeId", s, "receiptId", r)}. */
    public static void put(String key, Object value, Object... more) {
        put(key, value);
        for (int i = 0; i + 1 < more.length; i += 2) {
            put(String.valueOf(more[i]), more[i + 1]);
        }
    }

    /**
     * Keeps the current fields: closing the returned scope puts them back exactly, dropping whatever was added or
     * changed since (one step of a job that handles many items: {@code try (var s = LogContext.preserve()) {...}}).
     */
    public static Scope preserve() {
        LinkedHashMap<String, Object> map = FIELDS.get();
        Map<String, Object> saved = new LinkedHashMap<>(map);
        return () -> {
            map.clear();
            map.putAll(saved);
        };
    }

    /** Removes {@code key}. */
    public static void remove(String key) {
        FIELDS.get().remove(key);
    }

    /**
     * Adds the key/value pairs in {@code fields} until the returned scope is closed, which restores what those keys
     * were before.
     */
    public static Scope with(Object... fields) {
        LinkedHashMap<String, Object> map = FIELDS.get();
        Map<String, Object> previous = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            String key = String.valueOf(fields[i]);
            if (fields[i + 1] != null) {
                if (!previous.containsKey(key)) {
                    previous.put(key, map.get(key));
                }
                map.put(key, fields[i + 1]);
            }
        }
        return () -> previous.forEach((key, value) -> {
            if (value == null) {
                map.remove(key);
            } else {
                map.put(key, value);
            }
        });
    }

    /**
     * Starts an invocation on this thread: forgets every field, then sets {@code lambdaRequestId} and
     * {@code traceId} (either may be null) and {@code coldStart} (true for the first invocation of this JVM). Closing
     * the scope forgets every field again.
     */
    public static Scope beginInvocation(String lambdaRequestId, String traceId) {
        LinkedHashMap<String, Object> map = FIELDS.get();
        map.clear();
        boolean cold = firstInvocation;
        firstInvocation = false;
        put("lambdaRequestId", lambdaRequestId);
        put("traceId", traceId);
        map.put("coldStart", cold);
        return map::clear;
    }

    /** The current fields, in the order they were added (a read-only view: copy it to keep it). */
    public static Map<String, Object> current() {
        return Collections.unmodifiableMap(FIELDS.get());
    }
}
