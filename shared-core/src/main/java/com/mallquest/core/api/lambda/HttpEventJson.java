package com.mallquest.core.api.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API's event JSON (payload v2) read into an {@link APIGatewayV2HTTPEvent}, and the response written
 * back, with the project's own Jackson ({@link Json#MAPPER}) instead of the Lambda runtime's event serialiser:
 * {@link ApiHandler} is a stream handler so that a cold start does not build the runtime's serialiser (its own
 * shaded Jackson, mix-ins for every event class, joda-time loaded by name) beside the mapper the function needs
 * anyway. The event is read as the runtime reads it (every field of the event class; unknown fields ignored, a
 * number or boolean where a string is expected taken as its text, a JSON {@code null} is no event); the
 * response is written as the runtime writes {@link APIGatewayV2HTTPResponse}: {@code statusCode}, {@code headers},
 * {@code multiValueHeaders}, {@code cookies}, {@code body} (each when set) and {@code isBase64Encoded}.
 */
final class HttpEventJson {

    private HttpEventJson() { }

    /** The event, or null for a JSON {@code null}; an {@link IOException} when it is not an HTTP API event. */
    static APIGatewayV2HTTPEvent read(InputStream input) throws IOException {
        return event(Json.MAPPER.readTree(input));
    }

    /** The event from its JSON bytes (priming, tests). */
    static APIGatewayV2HTTPEvent read(byte[] json) throws IOException {
        return event(Json.MAPPER.readTree(json));
    }

    // The event is built from the JSON tree field by field: no bean introspection of the event classes on the
    // first request (measured: ~10 ms for the tree against ~100 ms for a data-bound read on a loaded machine).

    private static APIGatewayV2HTTPEvent event(JsonNode json) throws IOException {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return null;
        }
        object(json, "the event");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion(text(json, "version"));
        event.setRouteKey(text(json, "routeKey"));
        event.setRawPath(text(json, "rawPath"));
        event.setRawQueryString(text(json, "rawQueryString"));
        event.setCookies(texts(json, "cookies"));
        event.setHeaders(textMap(json, "headers"));
        event.setQueryStringParameters(textMap(json, "queryStringParameters"));
        event.setPathParameters(textMap(json, "pathParameters"));
        event.setStageVariables(textMap(json, "stageVariables"));
        event.setBody(text(json, "body"));
        event.setIsBase64Encoded(bool(json, "isBase64Encoded"));
        JsonNode context = present(json, "requestContext");
        if (context != null) {
            event.setRequestContext(requestContext(object(context, "requestContext")));
        }
        return event;
    }

    private static APIGatewayV2HTTPEvent.RequestContext requestContext(JsonNode json) throws IOException {
        var context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setRouteKey(text(json, "routeKey"));
        context.setAccountId(text(json, "accountId"));
        context.setStage(text(json, "stage"));
        context.setApiId(text(json, "apiId"));
        context.setDomainName(text(json, "domainName"));
        context.setDomainPrefix(text(json, "domainPrefix"));
        context.setTime(text(json, "time"));
        context.setTimeEpoch(number(json, "timeEpoch"));
        context.setRequestId(text(json, "requestId"));
        JsonNode http = present(json, "http");
        if (http != null) {
            object(http, "requestContext.http");
            var h = new APIGatewayV2HTTPEvent.RequestContext.Http();
            h.setMethod(text(http, "method"));
            h.setPath(text(http, "path"));
            h.setProtocol(text(http, "protocol"));
            h.setSourceIp(text(http, "sourceIp"));
            h.setUserAgent(text(http, "userAgent"));
            context.setHttp(h);
        }
        JsonNode authorizer = present(json, "authorizer");
        if (authorizer != null) {
            object(authorizer, "requestContext.authorizer");
            var a = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
            JsonNode jwt = present(authorizer, "jwt");
            if (jwt != null) {
                object(jwt, "requestContext.authorizer.jwt");
                var j = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
                j.setClaims(textMap(jwt, "claims"));
                j.setScopes(texts(jwt, "scopes"));
                a.setJwt(j);
            }
            JsonNode lambda = present(authorizer, "lambda");
            if (lambda != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> values = (Map<String, Object>) natural(object(lambda, "requestContext.authorizer.lambda"));
                a.setLambda(values);
            }
            JsonNode iam = present(authorizer, "iam");
            if (iam != null) {
                object(iam, "requestContext.authorizer.iam");
                var i = new APIGatewayV2HTTPEvent.RequestContext.IAM();
                i.setAccessKey(text(iam, "accessKey"));
                i.setAccountId(text(iam, "accountId"));
                i.setCallerId(text(iam, "callerId"));
                i.setPrincipalOrgId(text(iam, "principalOrgId"));
                i.setUserArn(text(iam, "userArn"));
                i.setUserId(text(iam, "userId"));
                JsonNode cognito = present(iam, "cognitoIdentity");
                if (cognito != null) {
                    object(cognito, "requestContext.authorizer.iam.cognitoIdentity");
                    var c = new APIGatewayV2HTTPEvent.RequestContext.CognitoIdentity();
                    c.setAmr(texts(cognito, "amr"));
                    c.setIdentityId(text(cognito, "identityId"));
                    c.setIdentityPoolId(text(cognito, "identityPoolId"));
                    i.setCognitoIdentity(c);
                }
                a.setIam(i);
            }
            context.setAuthorizer(a);
        }
        return context;
    }

    /** The field's node, or null when it is absent or JSON {@code null}. */
    private static JsonNode present(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value;
    }

    private static JsonNode object(JsonNode json, String what) throws IOException {
        if (!json.isObject()) {
            throw new IOException("Not an HTTP API event: " + what + " is not a JSON object");
        }
        return json;
    }

    /** A string field; a number or boolean is taken as its text (as the runtime's serialiser does). */
    private static String text(JsonNode json, String field) throws IOException {
        JsonNode value = present(json, field);
        if (value == null) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new IOException("Not an HTTP API event: " + field + " is not a string");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode json, String field) throws IOException {
        JsonNode value = present(json, field);
        if (value == null) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.textValue().equals("true") || value.textValue().equals("false"))) {
            return Boolean.parseBoolean(value.textValue());
        }
        throw new IOException("Not an HTTP API event: " + field + " is not a boolean");
    }

    private static long number(JsonNode json, String field) throws IOException {
        JsonNode value = present(json, field);
        if (value == null) {
            return 0;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.textValue().trim());
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new IOException("Not an HTTP API event: " + field + " is not a whole number");
    }

    private static List<String> texts(JsonNode json, String field) throws IOException {
        JsonNode value = present(json, field);
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw new IOException("Not an HTTP API event: " + field + " is not a list");
        }
        List<String> texts = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isValueNode()) {
                throw new IOException("Not an HTTP API event: " + field + " holds a value that is not a string");
            }
            texts.add(item.isNull() ? null : item.asText());
        }
        return texts;
    }

    private static Map<String, String> textMap(JsonNode json, String field) throws IOException {
        JsonNode value = present(json, field);
        if (value == null) {
            return null;
        }
        object(value, field);
        Map<String, String> texts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            JsonNode item = entry.getValue();
            if (!item.isValueNode()) {
                throw new IOException("Not an HTTP API event: " + field + "." + entry.getKey() + " is not a string");
            }
            texts.put(entry.getKey(), item.isNull() ? null : item.asText());
        }
        return texts;
    }

    /** A JSON value as Jackson's untyped reading gives it: maps, lists, strings, Integer/Long/BigInteger, Double, Boolean. */
    private static Object natural(JsonNode json) {
        if (json.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            json.properties().forEach(e -> map.put(e.getKey(), natural(e.getValue())));
            return map;
        }
        if (json.isArray()) {
            List<Object> list = new ArrayList<>(json.size());
            json.forEach(item -> list.add(natural(item)));
            return list;
        }
        if (json.isNull()) {
            return null;
        }
        if (json.isBoolean()) {
            return json.booleanValue();
        }
        if (json.isIntegralNumber()) {
            return json.canConvertToInt() ? (Object) json.intValue() : json.canConvertToLong() ? (Object) json.longValue() : json.bigIntegerValue();
        }
        if (json.isNumber()) {
            return json.doubleValue();
        }
        return json.asText();
    }

    /** Writes {@code response} as the Lambda runtime would. */
    static void write(APIGatewayV2HTTPResponse response, OutputStream output) throws IOException {
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(output)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.writeStartObject();
            json.writeNumberField("statusCode", response.getStatusCode());
            if (response.getHeaders() != null) {
                json.writeObjectFieldStart("headers");
                for (Map.Entry<String, String> header : response.getHeaders().entrySet()) {
                    json.writeStringField(header.getKey(), header.getValue());
                }
                json.writeEndObject();
            }
            if (response.getMultiValueHeaders() != null) {
                json.writeObjectFieldStart("multiValueHeaders");
                for (Map.Entry<String, List<String>> header : response.getMultiValueHeaders().entrySet()) {
                    json.writeFieldName(header.getKey());
                    strings(json, header.getValue());
                }
                json.writeEndObject();
            }
            if (response.getCookies() != null) {
                json.writeFieldName("cookies");
                strings(json, response.getCookies());
            }
            if (response.getBody() != null) {
                json.writeStringField("body", response.getBody());
            }
            json.writeBooleanField("isBase64Encoded", response.getIsBase64Encoded());
            json.writeEndObject();
        }
    }

    private static void strings(JsonGenerator json, List<String> values) throws IOException {
        json.writeStartArray();
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }
}
