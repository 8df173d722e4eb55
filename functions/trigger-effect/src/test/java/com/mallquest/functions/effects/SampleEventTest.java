package com.mallquest.functions.effects;

import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.local.testsupport.TestBackends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sample event in {@code events/TriggerEffectFunction.json} (what {@code sam local invoke -e} sends) is answered. */
class SampleEventTest {

    @Test
    void sampleEvent_shouldTriggerTheEffect() throws Exception {
        // GIVEN the sample event, read by the Lambda runtime's own serialiser
        APIGatewayV2HTTPEvent sample = SampleEvents.httpApi("TriggerEffectFunction");
        // WHEN the handler answers it
        APIGatewayV2HTTPResponse response = new EffectsHandler(new Services(Platform.fromEnvironment(TestBackends.environmentWithRedis())))
                .handleRequest(sample, null);
        // THEN 202 with the effect of the sample's type
        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(Json.MAPPER.readTree(sample.getBody()).path("type").asText(),
                Json.MAPPER.readTree(response.getBody()).path("type").asText());
    }
}
