package com.mallquest.functions.users;

import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.local.testsupport.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sample event in {@code events/GetUserFunction.json} (what {@code sam local invoke -e} sends) is answered. */
class SampleEventTest {

    @Test
    void sampleEvent_shouldBeAnsweredWithTheCallersView() throws Exception {
        // GIVEN the sample event, read by the Lambda runtime's own serialiser
        APIGatewayV2HTTPEvent sample = SampleEvents.httpApi("GetUserFunction");
        // WHEN the handler answers it (fresh tables: the caller has no profile yet)
        APIGatewayV2HTTPResponse response = new GetUserHandler(new Services(Platform.fromEnvironment(TestBackends.environment())))
                .handleRequest(sample, null);
        // THEN 200 with the caller's own (empty, level-1) view
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = Json.MAPPER.readTree(response.getBody());
        assertEquals(sample.getRequestContext().getAuthorizer().getJwt().getClaims().get("sub"), body.path("userId").asText());
        assertEquals(1, body.path("level").asInt());
    }
}
