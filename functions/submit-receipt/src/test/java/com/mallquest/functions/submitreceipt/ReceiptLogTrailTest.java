package com.mallquest.functions.submitreceipt;

import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.testing.LogOutput;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.testing.TestLambdaContext;
import com.mallquest.local.services.RepositoryRoot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One receipt followed through every log line it causes, by the one id of docs/operations.md's "one receipt end
 * to end" query: a submission that crashes right after its transaction (500), the shopper's retry (200, the credit
 * replayed), once more (200). Another shopper's receipt logs in between and must not match. And no
 * line carries the shopper's token.
 */
class ReceiptLogTrailTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:10Z");
    /** The shape of an access token (what API Gateway passes on in the Authorization header). */
    private static final String TOKEN = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWFsaWNl";

    private final MutableClock clock = new MutableClock(NOW);
    private Platform core;

    @BeforeEach
    void setUp() {
        core = TestStack.withClock(TestStack.seeded("submit-receipt", NOW, Map.of()).core(), clock);
    }

    /** Zara's till's code for the receipt (signed with the seed's development key). */
    private static String receipt(String receiptId) {
        return ReceiptCodes.body("zara", receiptId, "42.00", "2026-11-25T10:00:00Z");
    }

    private APIGatewayV2HTTPResponse post(Platform on, String user, String receiptId, String lambdaRequestId) {
        SubmitReceiptHandler handler = new SubmitReceiptHandler(new Services(on, new EffectsService(on.cache(), on.clock(), on.settings())));
        return ApiContract.handle(handler, ApiEvents.request("POST", "/receipts").caller(user)
                        .header("Authorization", "Bearer " + TOKEN).body(receipt(receiptId)).build(),
                new TestLambdaContext(lambdaRequestId, "Root=1-6745f00a-" + lambdaRequestId.hashCode() + ";Sampled=1"));
    }

    /** The field and value of the documented query's {@code filter <field> = "<value>"}. */
    private static String[] documentedFilter() throws Exception {
        String doc = Files.readString(RepositoryRoot.locate().resolve("docs/operations.md"));
        int at = doc.indexOf("# one receipt end to end");
        assertTrue(at >= 0, "docs/operations.md has the 'one receipt end to end' query");
        String query = doc.substring(at, doc.indexOf("```", at));
        Matcher m = Pattern.compile("filter\\s+(\\w+)\\s*=\\s*\"([^\"]+)\"").matcher(query);
        assertTrue(m.find(), query);
        return new String[] {m.group(1), m.group(2)};
    }

    @Test
    void aReceipt_shouldBeFollowedThroughEveryLineItCauses_byTheDocumentedQuery() throws Exception {
        String[] filter = documentedFilter();
        String field = filter[0];
        // GIVEN the id the documented query uses, for this test's receipt (the doc's example is zara's R-1)
        String receiptId = "R-" + Long.toHexString(System.nanoTime());
        String id = filter[1].replace("R-1", receiptId);
        List<JsonNode> trail = new ArrayList<>();
        List<JsonNode> others = new ArrayList<>();

        // WHEN alice's submission dies right after its one transaction (500): write 2, after the rate count (the cache
        // here is memory)
        LogOutput crashed = LogOutput.capture(() -> assertEquals(500,
                post(TestStack.withDynamoDb(core, new CrashingDynamoDb(core.dynamoDb(), 2)), "alice", receiptId, "l-1")
                        .getStatusCode()));
        trail.addAll(crashed.lines());
        // AND she retries (200: the credit made before the crash, replayed)
        LogOutput retried = LogOutput.capture(() -> assertEquals(200, post(core, "alice", receiptId, "l-2").getStatusCode()));
        trail.addAll(retried.lines());
        // AND bob's receipt is credited meanwhile
        others.addAll(LogOutput.capture(() -> assertEquals(201, post(core, "bob", "B-" + receiptId, "l-3").getStatusCode())).lines());
        // AND she submits it once more (200 replayed)
        LogOutput replayed = LogOutput.capture(() -> assertEquals(200, post(core, "alice", receiptId, "l-5").getStatusCode()));
        trail.addAll(replayed.lines());

        // THEN every line alice's receipt caused carries the id: log lines and EMF records alike
        for (JsonNode line : trail) {
            assertEquals(id, line.path(field).asText(), "a line of the receipt without " + field + ": " + line);
        }
        // AND the trail is the whole story: the crash with its stack, the replays
        List<String> messages = trail.stream().filter(l -> l.has("message")).map(l -> l.get("message").asText()
                + (l.has("status") ? " " + l.get("status").asInt() : "")).toList();
        assertTrue(messages.containsAll(List.of("unhandled exception", "request 500", "request 200")), messages.toString());
        assertTrue(trail.stream().anyMatch(l -> l.has("stackTrace")), "the crash's stack is in the trail");
        assertEquals(3, trail.stream().filter(l -> l.has("_aws")).count(), "one EMF record per request: " + trail);
        assertEquals(List.of("l-1", "l-2", "l-5"), trail.stream().filter(l -> l.has("logger"))
                .map(l -> l.get("lambdaRequestId").asText()).distinct().toList(), "three invocations");
        // AND no line of another receipt matches the query
        assertFalse(others.isEmpty());
        for (JsonNode line : others) {
            assertFalse(id.equals(line.path(field).asText()), "matches another receipt: " + line);
        }
        // AND no line anywhere carries the shopper's token
        for (LogOutput out : List.of(crashed, retried, replayed)) {
            assertFalse(out.stdout().contains(TOKEN.substring(0, 40)), out.stdout());
            String code = receipt(receiptId);
            String signature = code.substring(code.lastIndexOf('.') + 1, code.length() - 2);
            assertFalse(out.stdout().contains(signature), "the receipt code's signature is in the log: " + out.stdout());
            assertEquals("", out.stderr(), "everything goes through the logger");
        }
    }
}
