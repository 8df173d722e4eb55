package com.mallquest.core.api.http;

import com.mallquest.core.platform.json.Json;

import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.metrics.InvocationMetrics;

import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request as the core sees it, free of AWS event types: header names lower-cased, the body
 * already base64-decoded and within the size limit, the caller taken from verified JWT claims.
 */
public record ApiRequest(
        String method,
        String path,
        Map<String, String> pathParameters,
        Map<String, String> queryParameters,
        Map<String, String> headers,
        byte[] body,
        Optional<Caller> caller,
        String requestId,
        InvocationMetrics metrics) {

    /** The body read strictly into {@code type}; an empty body is 400 {@code missing_body}. */
    public <T> T body(Class<T> type) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("missing_body", "A JSON body is required");
        }
        return Json.readBody(body, type);
    }

    /** The verified caller; routes with {@code Access.USER} or {@code ADMIN} always have one. */
    public Caller requireCaller() {
        return caller.orElseThrow(ApiException::unauthorized);
    }

    public String pathParameter(String name) {
        String value = pathParameters.get(name);
        if (value == null || value.isBlank()) {
            throw ApiException.invalidField(name, "Path parameter '" + name + "' is required");
        }
        return value;
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(queryParameters.get(name)).filter(v -> !v.isBlank());
    }

    /** An integer query parameter within {@code [min, max]}, or {@code defaultValue} when absent. */
    public int queryInt(String name, int defaultValue, int min, int max) {
        return query(name).map(v -> {
            try {
                int parsed = Integer.parseInt(v);
                if (parsed < min || parsed > max) {
                    throw ApiException.invalidField(name, name + " must be between " + min + " and " + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw ApiException.invalidField(name, name + " must be a whole number");
            }
        }).orElse(defaultValue);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase()));
    }
}
