package com.mallquest.core.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.json.Json;

import java.io.IOException;

/** Reading what a handler answered, for assertions. */
public final class ApiResponses {
    private ApiResponses() { }

    /** The response body as JSON; a body that is not JSON fails the test, quoting it. */
    public static JsonNode json(APIGatewayV2HTTPResponse response) {
        try {
            return Json.MAPPER.readTree(response.getBody());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.getBody(), e);
        }
    }
}
