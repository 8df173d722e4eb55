package com.mallquest.core.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.mallquest.core.http.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API's event JSON (payload v2) read into an {@link APIGatewayV2HTTPEvent}, and the response written
 * back, with the project's own Jackson ({@link Json#MAPPER}) instead of the Lambda runtime's event serialiser:
 * {@link ApiHandler} is a stream handler so that a cold start does not build the runtime's serialiser (its own
 * shaded Jackson, mix-ins for every event class, joda-time loaded by name) beside the mapper the function needs
 * anyway. The event is read as the runtime reads it: unknown fields ignored, a JSON {@code null} is no event; the
 * response is written as the runtime writes {@link APIGatewayV2HTTPResponse}: {@code statusCode}, {@code headers},
 * {@code multiValueHeaders}, {@code cookies}, {@code body} (each when set) and {@code isBase64Encoded}.
 */
final class HttpEventJson {

    private static final ObjectReader EVENTS = Json.MAPPER.readerFor(APIGatewayV2HTTPEvent.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private HttpEventJson() { }

    /** The event, or null for a JSON {@code null}; an {@link IOException} when it is not an HTTP API event. */
    static APIGatewayV2HTTPEvent read(InputStream input) throws IOException {
        return EVENTS.readValue(input);
    }

    /** The event from its JSON bytes (priming, tests). */
    static APIGatewayV2HTTPEvent read(byte[] json) throws IOException {
        return EVENTS.readValue(json);
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
