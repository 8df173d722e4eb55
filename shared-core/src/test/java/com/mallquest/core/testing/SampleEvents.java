package com.mallquest.core.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.type.TypeReference;
import com.mallquest.core.platform.json.Json;
import com.mallquest.local.services.RepositoryRoot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The sample events of the repository's {@code events/} folder (what {@code sam local invoke -e} sends), read
 * as the Lambda runtime reads them: HTTP API events through the runtime's own event serialiser.
 */
public final class SampleEvents {
    private SampleEvents() { }

    /** {@code events/<functionId>.json}, e.g. {@code GetUserFunction}. */
    public static Path path(String functionId) {
        return RepositoryRoot.locate().resolve("events/" + functionId + ".json");
    }

    /** The HTTP API sample event of {@code functionId}, read by the Lambda runtime's serialiser. */
    public static APIGatewayV2HTTPEvent httpApi(String functionId) {
        try (InputStream in = Files.newInputStream(path(functionId))) {
            return httpApi(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP API event from {@code json}, read by the Lambda runtime's serialiser. */
    public static APIGatewayV2HTTPEvent httpApi(InputStream json) {
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, SampleEvents.class.getClassLoader())
                .fromJson(json);
    }

    /** The sample event of {@code functionId} as a JSON map (how handlers taking a Map receive it). */
    public static Map<String, Object> asMap(String functionId) {
        try (InputStream in = Files.newInputStream(path(functionId))) {
            return Json.MAPPER.readValue(in, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
