package com.mallquest.core.api.http;

import com.mallquest.core.platform.errors.DomainException;

import java.util.LinkedHashMap;
import java.util.Map;

/** The one place a {@link DomainException} becomes an HTTP answer: its kind decides the status. */
public final class DomainErrors {

    private DomainErrors() { }

    public static int status(DomainException.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case GONE -> 410;
            case STALE -> 412;
            case VERSION_REQUIRED -> 428;
            case REJECTED -> 422;
            case TOO_MANY -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    /** {@code {"error":{"code","message","field"?, details…}}} with {@code Retry-After} when the failure has one. */
    public static ApiResponse response(DomainException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code());
        error.put("message", e.getMessage());
        if (e.field() != null) {
            error.put("field", e.field());
        }
        e.details().forEach(error::putIfAbsent);
        Map<String, String> headers = e.retryAfter() == null ? Map.of()
                : Map.of("Retry-After", Long.toString(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
        return new ApiResponse(status(e.kind()), Map.of("error", error), headers);
    }
}
