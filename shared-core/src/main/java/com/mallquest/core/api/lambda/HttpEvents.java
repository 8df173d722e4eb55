package com.mallquest.core.api.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.api.http.ApiException;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.platform.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Converts API Gateway HTTP API (payload v2) events to the core's request parts and responses back. */
public final class HttpEvents {

    private HttpEvents() { }

    public static String method(APIGatewayV2HTTPEvent event) {
        var ctx = event.getRequestContext();
        if (ctx != null && ctx.getHttp() != null && ctx.getHttp().getMethod() != null) {
            return ctx.getHttp().getMethod().toUpperCase(Locale.ROOT);
        }
        String routeKey = event.getRouteKey();
        if (routeKey != null && routeKey.contains(" ")) {
            return routeKey.substring(0, routeKey.indexOf(' ')).toUpperCase(Locale.ROOT);
        }
        throw ApiException.badRequest("invalid_event", "The event has no HTTP method");
    }

    public static String path(APIGatewayV2HTTPEvent event) {
        if (event.getRawPath() != null && !event.getRawPath().isEmpty()) {
            return event.getRawPath();
        }
        var ctx = event.getRequestContext();
        if (ctx != null && ctx.getHttp() != null && ctx.getHttp().getPath() != null) {
            return ctx.getHttp().getPath();
        }
        return "/";
    }

    /** Header names lower-cased (API Gateway already does; SAM's sample events do not). */
    public static Map<String, String> headers(APIGatewayV2HTTPEvent event) {
        Map<String, String> headers = new HashMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        }
        return headers;
    }

    /** The body bytes, base64-decoded when flagged; 413 above {@code maxBytes}, 400 for bad base64. */
    public static byte[] body(APIGatewayV2HTTPEvent event, int maxBytes) {
        String body = event.getBody();
        if (body == null || body.isEmpty()) {
            return new byte[0];
        }
        // A decoded base64 body is 3/4 of its text; checking the text first bounds the work.
        long approx = event.getIsBase64Encoded() ? (body.length() / 4L) * 3 : body.length();
        if (approx > maxBytes + 3L) {
            throw tooLarge(maxBytes);
        }
        byte[] bytes;
        if (event.getIsBase64Encoded()) {
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_body", "The body is flagged base64 but is not valid base64");
            }
        } else {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return bytes;
    }

    private static ApiException tooLarge(int maxBytes) {
        return new ApiException(413, "payload_too_large", "The body is larger than " + maxBytes + " bytes");
    }

    /** The caller from {@code requestContext.authorizer.jwt.claims}, when the authorizer verified one. */
    public static Optional<Caller> caller(APIGatewayV2HTTPEvent event) {
        var ctx = event.getRequestContext();
        if (ctx == null || ctx.getAuthorizer() == null || ctx.getAuthorizer().getJwt() == null) {
            return Optional.empty();
        }
        return Caller.fromClaims(ctx.getAuthorizer().getJwt().getClaims());
    }

    public static String requestId(APIGatewayV2HTTPEvent event) {
        var ctx = event.getRequestContext();
        return ctx != null && ctx.getRequestId() != null ? ctx.getRequestId() : "unknown";
    }

    public static Map<String, String> query(APIGatewayV2HTTPEvent event) {
        return event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
    }

    /** The HTTP response: JSON body with {@code Content-Type}, plus the response's own headers. */
    public static APIGatewayV2HTTPResponse toEvent(ApiResponse response, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        headers.put("X-Request-Id", requestId);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.putAll(response.headers());
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(headers)
                .withBody(response.body() == null ? "" : Json.write(response.body()))
                .withIsBase64Encoded(false)
                .build();
    }
}
