package com.mallquest.core.platform.errors;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request the domain refuses. The core ({@code ledger/}, {@code receipts/}, {@code ratelimit/},
 * {@code effects/}, …) knows no HTTP: it says what <em>kind</em> of refusal this is and gives a stable
 * snake_case {@code code} that clients branch on. {@code http/DomainErrors} maps the kind to a status once,
 * at the edge; nothing compares code strings to decide a status.
 *
 * <pre>{@code
 * throw DomainException.rejected("insufficient_balance", "The reward costs 500 coins; the balance is 120");
 * throw DomainException.conflict("credit_in_progress", "Retry shortly").retryAfter(Duration.ofSeconds(1));
 * }</pre>
 */
public class DomainException extends RuntimeException {

    /** What kind of refusal; each maps to one HTTP status at the edge. */
    public enum Kind {
        /** Malformed or out-of-range input (400); {@link #field()} names the field when there is one. */
        INVALID,
        /** The caller may not do this to this resource (403). */
        FORBIDDEN,
        /** No such resource, or none the caller may know of (404). */
        NOT_FOUND,
        /** The request contradicts what is stored, or another attempt is in progress (409). */
        CONFLICT,
        /** The resource existed but is no longer usable, e.g. an expired coupon (410). */
        GONE,
        /** The caller changed a resource from a version that is no longer the stored one: a lost update refused (412). */
        STALE,
        /** Replacing this resource needs the version the caller read (428): nobody overwrites what they never saw. */
        VERSION_REQUIRED,
        /** Well-formed, but a business rule refuses it (422). */
        REJECTED,
        /** Too many requests; {@link #retryAfter()} says when to retry (429). */
        TOO_MANY,
        /** A dependency cannot serve the request now; {@link #retryAfter()} says when to retry (503). */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String code;
    private final String field;
    private Duration retryAfter;
    private final Map<String, Object> details = new LinkedHashMap<>();

    public DomainException(Kind kind, String code, String message, String field) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.code = Objects.requireNonNull(code, "code");
        this.field = field;
    }

    public static DomainException invalid(String field, String message) {
        return new DomainException(Kind.INVALID, "invalid_field", message, field);
    }

    public static DomainException invalid(String code, String message, String field) {
        return new DomainException(Kind.INVALID, code, message, field);
    }

    public static DomainException forbidden(String code, String message) {
        return new DomainException(Kind.FORBIDDEN, code, message, null);
    }

    public static DomainException notFound(String code, String message) {
        return new DomainException(Kind.NOT_FOUND, code, message, null);
    }

    public static DomainException conflict(String code, String message) {
        return new DomainException(Kind.CONFLICT, code, message, null);
    }

    public static DomainException stale(String code, String message) {
        return new DomainException(Kind.STALE, code, message, null);
    }

    public static DomainException versionRequired(String code, String message) {
        return new DomainException(Kind.VERSION_REQUIRED, code, message, null);
    }

    public static DomainException gone(String code, String message) {
        return new DomainException(Kind.GONE, code, message, null);
    }

    public static DomainException rejected(String code, String message) {
        return new DomainException(Kind.REJECTED, code, message, null);
    }

    public static DomainException rejected(String code, String message, String field) {
        return new DomainException(Kind.REJECTED, code, message, field);
    }

    public static DomainException tooMany(String code, String message, Duration retryAfter) {
        return new DomainException(Kind.TOO_MANY, code, message, null).retryAfter(retryAfter);
    }

    public static DomainException unavailable(String code, String message, Duration retryAfter) {
        return new DomainException(Kind.UNAVAILABLE, code, message, null).retryAfter(retryAfter);
    }

    /** When the client may retry (answered as {@code Retry-After} in whole seconds, at least 1). */
    public DomainException retryAfter(Duration wait) {
        this.retryAfter = wait;
        return this;
    }

    /** An extra member of the error object, e.g. {@code usedAt} of a coupon already used. */
    public DomainException detail(String name, Object value) {
        details.put(name, value);
        return this;
    }

    public Kind kind() { return kind; }

    public String code() { return code; }

    public String field() { return field; }

    /** Null when the refusal says nothing about retrying. */
    public Duration retryAfter() { return retryAfter; }

    public Map<String, Object> details() { return Map.copyOf(details); }
}
