package com.mallquest.core.api.http;

import java.util.Map;

/**
 * A request that cannot be served, answered as {@code {"error":{"code","message","field"}}} with its 4xx
 * (or 5xx) status. Codes are snake_case and stable: clients branch on them.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message, String field, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null, null);
    }

    /** 400 for a bad field: the message says what is wrong, {@code field} names it (dotted path for nested). */
    public static ApiException invalidField(String field, String message) {
        return new ApiException(400, "invalid_field", message, field, null);
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "A valid bearer token is required");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    /** 422: well-formed but rejected by a business rule; {@code code} says which. */
    public static ApiException unprocessable(String code, String message, String field) {
        return new ApiException(422, code, message, field, null);
    }

    /** 429 with {@code Retry-After} in whole seconds (at least 1). */
    public static ApiException rateLimited(String message, long retryAfterSeconds) {
        return new ApiException(429, "rate_limited", message, null,
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }

    public int status() { return status; }

    public String code() { return code; }

    public String field() { return field; }

    public Map<String, String> headers() { return headers; }
}
