package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's small parts: schedule expressions, route selection, response mapping, claims. */
class RunnerUnitsTest {

    @Test
    void rate_shouldFireOnePeriodAfterCreation_thenEveryPeriod() {
        Instant created = Instant.parse("2026-11-25T10:00:30Z");
        ScheduleExpression every5 = ScheduleExpression.parse("rate(5 minutes)");
        assertEquals(Instant.parse("2026-11-25T10:05:30Z"), every5.next(created, created));
        assertEquals(Instant.parse("2026-11-25T10:10:30Z"), every5.next(Instant.parse("2026-11-25T10:05:30Z"), created));
        assertEquals(Instant.parse("2026-11-26T10:00:30Z"), ScheduleExpression.parse("rate(1 day)").next(created, created));
    }

    @Test
    void cron_shouldFollowEventBridgeFields() {
        Instant created = Instant.EPOCH;
        // every 15 minutes
        assertEquals(Instant.parse("2026-11-25T10:15:00Z"),
                ScheduleExpression.parse("cron(0/15 * * * ? *)").next(Instant.parse("2026-11-25T10:07:00Z"), created));
        // 08:30 on weekdays (MON-FRI = 2-6); 2026-11-28 is a Saturday
        assertEquals(Instant.parse("2026-11-30T08:30:00Z"),
                ScheduleExpression.parse("cron(30 8 ? * MON-FRI *)").next(Instant.parse("2026-11-27T09:00:00Z"), created));
        // noon on the 1st of each month
        assertEquals(Instant.parse("2026-12-01T12:00:00Z"),
                ScheduleExpression.parse("cron(0 12 1 * ? *)").next(Instant.parse("2026-11-25T00:00:00Z"), created));
        assertThrows(UserError.class, () -> ScheduleExpression.parse("cron(0 12 L * ? *)"));
        assertThrows(UserError.class, () -> ScheduleExpression.parse("rate(1 minutes)"));
        assertThrows(UserError.class, () -> ScheduleExpression.parse("every 5 minutes"));
    }

    @Test
    void routeSelection_shouldPreferLiteralsThenParametersThenGreedy() {
        LocalTemplate.Route me = new LocalTemplate.Route("GET", "/users/me", "F", "a", true);
        LocalTemplate.Route user = new LocalTemplate.Route("GET", "/users/{userId}", "F", "b", true);
        LocalTemplate.Route activity = new LocalTemplate.Route("GET", "/users/{userId}/activity", "F", "c", true);
        LocalTemplate.Route proxy = new LocalTemplate.Route("ANY", "/users/{proxy+}", "F", "d", true);
        RouteTable table = new RouteTable(List.of(proxy, user, activity, me));
        assertEquals(me, table.select("GET", "/users/me").orElseThrow().route());
        assertEquals(Map.of("userId", "bob smith"), table.select("GET", "/users/bob%20smith").orElseThrow().pathParameters());
        assertEquals(activity, table.select("GET", "/users/bob/activity").orElseThrow().route());
        assertEquals(proxy, table.select("DELETE", "/users/bob").orElseThrow().route());
        assertEquals(Map.of("proxy", "bob/x/y"), table.select("GET", "/users/bob/x/y").orElseThrow().pathParameters());
        assertTrue(table.select("GET", "/stores").isEmpty());
    }

    @Test
    void handlerResult_shouldMapToHttpAsApiGatewayDoes() throws Exception {
        var structured = ApiGatewayEvents.toReply(("{\"statusCode\":418,\"headers\":{\"x-a\":\"1\"},\"cookies\":[\"s=1\"],"
                + "\"body\":\"AAEC\",\"isBase64Encoded\":true}").getBytes(StandardCharsets.UTF_8), "r1");
        assertEquals(418, structured.status());
        assertTrue(structured.headers().contains(Map.entry("x-a", "1")));
        assertTrue(structured.headers().contains(Map.entry("Set-Cookie", "s=1")));
        assertEquals(3, structured.body().length);
        var plain = ApiGatewayEvents.toReply("\"hi\"".getBytes(StandardCharsets.UTF_8), "r2");
        assertEquals(200, plain.status());
        assertEquals("hi", new String(plain.body(), StandardCharsets.UTF_8));
        var object = ApiGatewayEvents.toReply("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "r3");
        assertEquals("{\"a\":1}", new String(object.body(), StandardCharsets.UTF_8));
        assertEquals(500, ApiGatewayEvents.toReply("not json".getBytes(StandardCharsets.UTF_8), "r4").status());
        assertEquals(500, ApiGatewayEvents.toReply("{\"statusCode\":\"abc\"}".getBytes(StandardCharsets.UTF_8), "r5").status());
    }

    @Test
    void verifiedClaims_shouldBeStrings_withListsAsBracketedWords() {
        LocalJwt jwt = new LocalJwt("s", new LocalTemplate.JwtRules(Optional.empty(), List.of()), Clock.systemUTC());
        String token = jwt.sign("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":" + (Instant.now().getEpochSecond() + 60)
                + ",\"cognito:groups\":[\"admin\",\"store\"],\"n\":5,\"ok\":true,\"scope\":\"a b\"}");
        LocalJwt.Verified verified = jwt.verify("Bearer " + token).orElseThrow();
        assertEquals("[admin store]", verified.claims().get("cognito:groups"));
        assertEquals("5", verified.claims().get("n"));
        assertEquals("true", verified.claims().get("ok"));
        assertEquals(List.of("a", "b"), verified.scopes());
        assertTrue(jwt.verify(token).isPresent(), "API Gateway also accepts the token without the Bearer prefix");
    }

    @Test
    void aRememberedToken_shouldStillExpire_andOneNotYetValidIsNotRemembered() {
        // GIVEN an authorizer on a clock the test moves, a token valid for 60 s and one valid only from t0 + 10 s
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(t0);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        LocalJwt jwt = new LocalJwt("s", new LocalTemplate.JwtRules(Optional.empty(), List.of()), clock);
        String token = jwt.sign("{\"alg\":\"HS256\"}", "{\"sub\":\"u1\",\"exp\":" + (t0.getEpochSecond() + 60) + "}");
        String later = jwt.sign("{\"alg\":\"HS256\"}", "{\"sub\":\"u2\",\"nbf\":" + (t0.getEpochSecond() + 10)
                + ",\"exp\":" + (t0.getEpochSecond() + 60) + "}");
        // WHEN they are presented again and again as time passes
        // THEN a repeat gives the same claims while the token is current, and nothing once it has expired
        assertEquals("u1", jwt.verify("Bearer " + token).orElseThrow().claims().get("sub"));
        assertTrue(jwt.verify("Bearer " + later).isEmpty(), "not before its nbf");
        now.set(t0.plusSeconds(59));
        assertEquals("u1", jwt.verify("Bearer " + token).orElseThrow().claims().get("sub"));
        assertEquals("u2", jwt.verify(later).orElseThrow().claims().get("sub"), "valid from its nbf on");
        now.set(t0.plusSeconds(60));
        assertTrue(jwt.verify("Bearer " + token).isEmpty(), "expired at exp, though it verified before");
        assertTrue(jwt.verify(later).isEmpty(), "expired at exp, though it verified before");
        now.set(t0.plusSeconds(30));
        assertTrue(jwt.verify(token).isPresent(), "forgotten, then verified afresh: the signature still holds");
    }

    @Test
    void runnerJvmOptions_shouldBeTheFilesLines_withoutCommentsOrBlanks() throws Exception {
        // GIVEN this checkout's options file, a file with comments and blanks, and a checkout without the file
        java.nio.file.Path old = java.nio.file.Files.createTempDirectory("old-checkout-");
        // WHEN each is read
        List<String> parsed = RunnerJvmOptions.parse(List.of("# -Xmx1g in a comment", "", "  -Xss1m  # trailing", "-Da=b c"));
        // THEN every option of a line is kept whole, comments and blank lines are not options, and no file is no options
        assertEquals(List.of("-Xss1m", "-Da=b c"), parsed);
        assertEquals(java.util.Optional.of(List.of("-XX:TieredStopAtLevel=1")),
                RunnerJvmOptions.of(com.mallquest.local.services.RepositoryRoot.locate()));
        assertEquals(java.util.Optional.empty(), RunnerJvmOptions.of(old));
    }

    @Test
    void scheduledEvent_shouldHaveEventBridgeShape() {
        JsonNode event = LocalApi.scheduledEvent(new LocalTemplate.Schedule("F", "E", "rate(1 day)", true, Optional.empty()),
                Instant.parse("2026-11-25T10:00:00.123Z"));
        assertEquals("2026-11-25T10:00:00Z", event.get("time").asText());
        assertEquals("Scheduled Event", event.get("detail-type").asText());
        assertEquals("0", event.get("version").asText());
    }
}
