package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts between HTTP and the HTTP API's Lambda payload format 2.0, as API Gateway does.
 *
 * <p>Request: header names lower-cased and repeated headers joined with commas, the {@code Cookie} header moved
 * to {@code cookies}, the raw query string kept and the decoded parameters joined with commas, path parameters
 * of the selected route, the body as text for textual content types and base64 otherwise, and a
 * {@code requestContext} with the route key, stage {@code $default}, request id, time, source IP and, behind the
 * JWT authorizer, its claims.
 *
 * <p>Response: a result with {@code statusCode} gives the status, headers, {@code cookies} (as
 * {@code Set-Cookie}) and body (base64-decoded when {@code isBase64Encoded}); any other valid JSON result (a
 * plain string, an object without {@code statusCode}) is a 200 {@code application/json} response whose body is
 * the string, or the JSON text. Anything else is API Gateway's 500.
 */
public final class ApiGatewayEvents {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final Set<String> TEXT_TYPES = Set.of("application/json", "application/javascript",
            "application/xml", "application/graphql");

    /** An HTTP request as the server received it; header entries in arrival order, names as sent. */
    public record HttpRequest(String method, String rawPath, String rawQuery, List<Map.Entry<String, String>> headers,
                              byte[] body, String sourceIp, String protocol) { }

    /** An HTTP response to write; header entries may repeat (Set-Cookie). */
    public record HttpReply(int status, List<Map.Entry<String, String>> headers, byte[] body) {
        static HttpReply json(int status, String json) {
            return new HttpReply(status, List.of(Map.entry("Content-Type", "application/json")),
                    json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private ApiGatewayEvents() { }

    /** The payload-v2 event for {@code request} on {@code match}, with the authorizer's result when there is one. */
    public static ObjectNode toEvent(HttpRequest request, RouteTable.Match match, LocalJwt.Verified jwt,
                                     String requestId, Instant now, String domainName) {
        ObjectNode event = JsonText.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", match.route().routeKey());
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());

        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                for (String cookie : header.getValue().split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.trim());
                    }
                }
                continue;
            }
            headers.merge(name, header.getValue(), (a, b) -> a + "," + b);
        }
        headers.putIfAbsent("x-forwarded-for", request.sourceIp());
        headers.putIfAbsent("x-forwarded-proto", "http");
        if (!cookies.isEmpty()) {
            cookies.forEach(event.withArray("cookies")::add);
        }
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(headerNode::put);

        Map<String, String> query = queryParameters(request.rawQuery());
        if (!query.isEmpty()) {
            ObjectNode queryNode = event.putObject("queryStringParameters");
            query.forEach(queryNode::put);
        }

        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", LocalAws.ACCOUNT_ID);
        context.put("apiId", "local");
        if (jwt != null) {
            ObjectNode jwtNode = context.putObject("authorizer").putObject("jwt");
            ObjectNode claims = jwtNode.putObject("claims");
            jwt.claims().forEach(claims::put);
            if (jwt.scopes() == null) {
                jwtNode.putNull("scopes");
            } else {
                jwt.scopes().forEach(jwtNode.withArray("scopes")::add);
            }
        }
        context.put("domainName", domainName);
        context.put("domainPrefix", domainName.contains(".") ? domainName.substring(0, domainName.indexOf('.')) : domainName);
        ObjectNode http = context.putObject("http");
        http.put("method", request.method());
        http.put("path", request.rawPath());
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", requestId);
        context.put("routeKey", match.route().routeKey());
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());

        if (!match.pathParameters().isEmpty()) {
            ObjectNode params = event.putObject("pathParameters");
            match.pathParameters().forEach(params::put);
        }
        byte[] body = request.body();
        if (body != null && body.length > 0) {
            boolean text = isText(headers.get("content-type"));
            event.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", !text);
        } else {
            event.put("isBase64Encoded", false);
        }
        return event;
    }

    /** API Gateway's reading of a function result (see the class comment). */
    public static HttpReply toReply(byte[] payload, String requestId) {
        JsonNode result;
        try {
            result = JsonText.MAPPER.readTree(payload);
        } catch (java.io.IOException e) {
            return internalError(requestId);
        }
        if (result == null || result.isMissingNode()) {
            return internalError(requestId);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (result.isObject() && result.has("statusCode")) {
            JsonNode status = result.get("statusCode");
            int code = status.isNumber() ? status.asInt() : parseStatus(status.asText());
            if (code < 100 || code > 599) {
                return internalError(requestId);
            }
            JsonNode headerNode = result.path("headers");
            for (Iterator<Map.Entry<String, JsonNode>> it = headerNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> header = it.next();
                headers.add(Map.entry(header.getKey(), header.getValue().asText()));
            }
            result.path("cookies").forEach(cookie -> headers.add(Map.entry("Set-Cookie", cookie.asText())));
            headers.add(Map.entry("Apigw-Requestid", requestId));
            JsonNode bodyNode = result.path("body");
            byte[] body;
            if (bodyNode.isMissingNode() || bodyNode.isNull()) {
                body = new byte[0];
            } else if (result.path("isBase64Encoded").asBoolean(false)) {
                try {
                    body = Base64.getDecoder().decode(bodyNode.asText());
                } catch (IllegalArgumentException e) {
                    return internalError(requestId);
                }
            } else {
                body = (bodyNode.isTextual() ? bodyNode.asText() : bodyNode.toString()).getBytes(StandardCharsets.UTF_8);
            }
            return new HttpReply(code, headers, body);
        }
        headers.add(Map.entry("Content-Type", "application/json"));
        headers.add(Map.entry("Apigw-Requestid", requestId));
        String body = result.isTextual() ? result.asText() : result.toString();
        return new HttpReply(200, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** API Gateway's answer when the integration failed (function error, timeout, invalid result). */
    public static HttpReply internalError(String requestId) {
        return new HttpReply(500, List.of(Map.entry("Content-Type", "application/json"), Map.entry("Apigw-Requestid", requestId)),
                "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static int parseStatus(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.endsWith("+json") || type.endsWith("+xml") || TEXT_TYPES.contains(type);
    }

    /** Decoded query parameters, repeated names joined with commas (API Gateway's payload v2). */
    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.merge(name, value, (a, b) -> a + "," + b);
        }
        return params;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
