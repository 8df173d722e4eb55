package com.mallquest.functions.metrics;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.operations.fleet.CacheServiceStatus;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.local.testsupport.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sample event in {@code events/MetricsFunction.json} (what {@code sam local invoke -e} sends) is answered. */
class SampleEventTest {

    @Test
    void sampleEvent_shouldBeAnsweredWithTheMetrics() throws Exception {
        // GIVEN the sample event, read by the Lambda runtime's own serialiser
        APIGatewayV2HTTPEvent sample = SampleEvents.httpApi("MetricsFunction");

        // WHEN the handler answers it
        APIGatewayV2HTTPResponse response = new MetricsHandler(Platform.fromEnvironment(TestBackends.environment()),
                CacheServiceStatus.NOT_IN_AWS).handleRequest(sample, null);

        // THEN 200 with the report (no Redis here: this instance's figures, and it says so)
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("instance", Json.MAPPER.readTree(response.getBody()).path("scope").asText());
    }
}
