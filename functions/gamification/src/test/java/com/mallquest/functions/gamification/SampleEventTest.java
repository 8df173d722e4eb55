package com.mallquest.functions.gamification;

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

/** The sample event in {@code events/GamificationFunction.json} (what {@code sam local invoke -e} sends) is answered. */
class SampleEventTest {

    @Test
    void sampleEvent_shouldBeAnsweredWithTheCallersStanding() throws Exception {
        APIGatewayV2HTTPEvent sample = SampleEvents.httpApi("GamificationFunction");
        APIGatewayV2HTTPResponse response = new GamificationHandler(new Services(Platform.fromEnvironment(TestBackends.environment())))
                .handleRequest(sample, null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = Json.MAPPER.readTree(response.getBody());
        assertEquals("week", body.path("period").asText());
        assertEquals(0, body.path("score").asLong());
    }
}
