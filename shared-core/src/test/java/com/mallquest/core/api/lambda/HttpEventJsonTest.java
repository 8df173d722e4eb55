package com.mallquest.core.api.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.testing.SampleEvents;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ApiHandler} reads its events and writes its responses with the project's Jackson ({@link HttpEventJson})
 * where it used to let the Lambda runtime's serialiser do it: what it reads and writes must be what the runtime's
 * serialiser reads and writes, for every sample event of the repository and for every response field.
 */
class HttpEventJsonTest {

    @Test
    void read_shouldGiveTheEventTheRuntimesSerialiserGives_forEverySampleEvent() throws IOException {
        List<Path> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(RepositoryRoot.locate().resolve("events"))) {
            files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(samples::add);
        }
        samples.add(Path.of("src/test/resources/sam-events/http-api-proxy.json"));
        int httpEvents = 0;
        for (Path sample : samples) {
            byte[] json = Files.readAllBytes(sample);
            if (!Json.MAPPER.readTree(json).has("rawPath")) {
                continue; // not an HTTP API event (env.json, the scheduled cleanup's event)
            }
            httpEvents++;
            APIGatewayV2HTTPEvent expected;
            try (InputStream in = new ByteArrayInputStream(json)) {
                expected = SampleEvents.httpApi(in);
            }
            assertEquals(expected, HttpEventJson.read(new ByteArrayInputStream(json)), sample.toString());
        }
        assertTrue(httpEvents >= 8, "the HTTP functions' sample events were read: " + httpEvents);
    }

    @Test
    void read_shouldTakeTheNullEventAsNone_andRefuseWhatIsNotJson() throws IOException {
        assertEquals(null, HttpEventJson.read(bytes("null")));
        assertThrows(IOException.class, () -> HttpEventJson.read(bytes("{\"rawPath\":")));
        // a claim given as a number is read as its text, as the runtime's serialiser does
        APIGatewayV2HTTPEvent event = HttpEventJson.read(bytes(
                "{\"rawPath\":\"/x\",\"unknownField\":1,\"requestContext\":{\"authorizer\":{\"jwt\":{\"claims\":{\"iat\":1795600000}}}}}"));
        assertEquals("1795600000", event.getRequestContext().getAuthorizer().getJwt().getClaims().get("iat"));
        assertEquals(runtimeRead("{\"rawPath\":\"/x\",\"requestContext\":{\"authorizer\":{\"jwt\":{\"claims\":{\"iat\":1795600000}}}}}"), event);
    }

    @Test
    void read_shouldReadEveryFieldOfTheEventClass_asTheRuntimesSerialiserDoes() throws IOException {
        String full = """
                {"version":"2.0","routeKey":"POST /x/{id}","rawPath":"/x/1","rawQueryString":"a=1&b=2",
                 "cookies":["c=1","d=2"],"headers":{"content-type":"application/json","x-n":7},
                 "queryStringParameters":{"a":"1","b":"2"},"pathParameters":{"id":"1"},"stageVariables":{"s":"v"},
                 "body":"eyJhIjoxfQ==","isBase64Encoded":true,
                 "requestContext":{"routeKey":"POST /x/{id}","accountId":"123","stage":"$default","apiId":"api",
                   "domainName":"d.example","domainPrefix":"d","time":"25/Nov/2026:10:00:00 +0000","timeEpoch":1795600800000,
                   "requestId":"r-1","http":{"method":"POST","path":"/x/1","protocol":"HTTP/1.1","sourceIp":"1.2.3.4","userAgent":"ua"},
                   "authorizer":{"jwt":{"claims":{"sub":"u","exp":4102444800,"admin":true},"scopes":["a","b"]},
                     "lambda":{"n":1,"big":12345678901,"f":1.5,"s":"t","b":false,"list":[1,"x",null],"map":{"k":{"z":2}},"nil":null},
                     "iam":{"accessKey":"AK","accountId":"123","callerId":"C","principalOrgId":"o","userArn":"arn","userId":"U",
                       "cognitoIdentity":{"amr":["authenticated"],"identityId":"id","identityPoolId":"pool"}}},
                   "unknownContextField":{"deep":[1]}},
                 "unknownTopField":"ignored"}
                """;
        assertEquals(runtimeRead(full), HttpEventJson.read(bytes(full)));
        String sparse = "{\"rawPath\":\"/x\",\"headers\":null,\"requestContext\":{\"http\":null,\"timeEpoch\":null}}";
        assertEquals(runtimeRead(sparse), HttpEventJson.read(bytes(sparse)));
    }

    @Test
    void write_shouldWriteWhatTheRuntimesSerialiserWrites_forEveryResponseField() throws IOException {
        List<APIGatewayV2HTTPResponse> responses = List.of(
                APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                        .withHeaders(Map.of("Content-Type", "application/json; charset=utf-8", "X-Cache", "HIT"))
                        .withBody("{\"ok\":\"é \\\" \\n\"}").withIsBase64Encoded(false).build(),
                APIGatewayV2HTTPResponse.builder().withStatusCode(302)
                        .withMultiValueHeaders(Map.of("Vary", List.of("Origin", "Accept")))
                        .withCookies(List.of("a=1; Secure", "b=2")).withBody("aGk=").withIsBase64Encoded(true).build(),
                APIGatewayV2HTTPResponse.builder().withStatusCode(204).build());
        for (APIGatewayV2HTTPResponse response : responses) {
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            HttpEventJson.write(response, ours);
            ByteArrayOutputStream runtimes = new ByteArrayOutputStream();
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, getClass().getClassLoader()).toJson(response, runtimes);
            assertEquals(Json.MAPPER.readTree(runtimes.toByteArray()), Json.MAPPER.readTree(ours.toByteArray()), runtimes.toString());
        }
    }

    @Test
    void streamEntry_shouldAnswerAsTheTypedEntry() throws IOException {
        // GIVEN a handler and the get-user sample event as the runtime hands it over (JSON bytes)
        ApiHandler handler = new ApiHandler(TestStack.withoutTables("test", Clock.systemUTC(), Map.of())) {
            @Override
            protected List<Route> routes() {
                return List.of(Route.get("/users/me", Access.USER, r -> ApiResponse.ok(Map.of("me", r.requireCaller().userId()))));
            }
        };
        byte[] event = Files.readAllBytes(SampleEvents.path("GetUserFunction"));
        // WHEN the runtime calls the stream entry
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        // THEN the answer is the typed entry's, as JSON
        JsonNode answer = Json.MAPPER.readTree(out.toByteArray());
        APIGatewayV2HTTPResponse typed = handler.handleRequest(SampleEvents.httpApi("GetUserFunction"), null);
        assertEquals(typed.getStatusCode(), answer.get("statusCode").asInt());
        assertEquals(typed.getBody(), answer.get("body").asText());
        assertEquals(Json.MAPPER.valueToTree(typed.getHeaders()), answer.get("headers"));
        assertFalse(answer.get("isBase64Encoded").asBoolean());
        assertEquals("demo-user", Json.MAPPER.readTree(answer.get("body").asText()).get("me").asText());
    }

    private static APIGatewayV2HTTPEvent runtimeRead(String json) {
        return SampleEvents.httpApi(new ByteArrayInputStream(bytes(json)));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
