package com.mallquest.functions.admin;

import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.local.testsupport.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sample event in {@code events/AdminBatchFunction.json} applies its adjustment, and a second send replays it. */
class SampleEventTest {

    @Test
    void sampleEvent_shouldApplyOnce_thenReplay() throws Exception {
        // GIVEN the sample event, read by the Lambda runtime's own serialiser, and fresh tables
        APIGatewayV2HTTPEvent sample = SampleEvents.httpApi("AdminBatchFunction");
        AdminBatchHandler handler = new AdminBatchHandler(new Services(Platform.fromEnvironment(TestBackends.environment())));

        // WHEN sent twice
        APIGatewayV2HTTPResponse first = ApiContract.handle(handler, sample);
        APIGatewayV2HTTPResponse second = ApiContract.handle(handler, sample);

        // THEN applied, then replayed
        assertEquals(200, first.getStatusCode(), first.getBody());
        JsonNode applied = Json.MAPPER.readTree(first.getBody());
        assertEquals("applied", applied.path("results").get(0).path("status").asText(), first.getBody());
        assertEquals("replayed", Json.MAPPER.readTree(second.getBody()).path("results").get(0).path("status").asText());
    }
}
