package com.mallquest.core.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.api.lambda.ApiHandler;
import com.mallquest.core.api.lambda.HttpEvents;
import com.mallquest.local.testsupport.OpenApiDocument;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Calls a handler the way the tests do and fails when the response is not what {@code openapi.yaml} says the route
 * answers (status declared, body valid against its schema, error code listed): the handler tests keep the API
 * description true.
 *
 * <pre>{@code
 * private APIGatewayV2HTTPResponse post(String body, String sub) {
 *     return ApiContract.handle(handler, ApiEvents.post("/receipts", body, ApiEvents.claims(sub, "")));
 * }
 * }</pre>
 */
public final class ApiContract {

    private ApiContract() { }

    /** {@code handler.handleRequest(event, null)}, checked against the description. */
    public static APIGatewayV2HTTPResponse handle(ApiHandler handler, APIGatewayV2HTTPEvent event) {
        return handle(handler, event, null);
    }

    /** {@code handler.handleRequest(event, context)}, checked against the description. */
    public static APIGatewayV2HTTPResponse handle(ApiHandler handler, APIGatewayV2HTTPEvent event, Context context) {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, context);
        check(event, response);
        return response;
    }

    /** Fails with every problem of {@code response} to {@code event}. */
    public static void check(APIGatewayV2HTTPEvent event, APIGatewayV2HTTPResponse response) {
        String method = HttpEvents.method(event);
        String path = HttpEvents.path(event);
        String body = response.getBody();
        if (body != null && response.getIsBase64Encoded()) {
            body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
        }
        List<String> problems = OpenApiDocument.repository().checkResponse(method, path, response.getStatusCode(), body);
        if (!problems.isEmpty()) {
            throw new AssertionError("the response does not match openapi.yaml:\n  " + String.join("\n  ", problems));
        }
    }
}
