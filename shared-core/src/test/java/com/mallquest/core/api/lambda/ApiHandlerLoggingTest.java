package com.mallquest.core.api.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.logging.Log;
import com.mallquest.logging.LogContext;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.LogOutput;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.testing.TestLambdaContext;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log lines ApiHandler writes for a request and the correlation fields every line of a request carries. */
class ApiHandlerLoggingTest {

    private static final Log FEATURE_LOG = Log.named("feature");
    private static final String TRACE_HEADER = "Root=1-67687c5a-a1b2c3d4e5f67890abcdef01;Parent=53995c3f42cd8ad8;Sampled=1";
    private static final TestLambdaContext CONTEXT = new TestLambdaContext("lambda-req-7", TRACE_HEADER);

    static final class Handler extends ApiHandler {
        Handler() {
            super(TestStack.withoutTables("test", Clock.systemUTC(), Map.of()));
        }

        @Override
        protected List<Route> routes() {
            return List.of(
                    Route.get("/stores/{storeId}/things", Access.USER, r -> {
                        LogContext.put("receiptId", "R-1");
                        FEATURE_LOG.info("working");
                        return ApiResponse.ok(Map.of("ok", true));
                    }),
                    Route.get("/users/{userId}", Access.ADMIN, r -> ApiResponse.ok(Map.of())),
                    Route.get("/refuse", Access.PUBLIC, r -> {
                        throw DomainException.rejected("insufficient_balance", "Not enough coins");
                    }),
                    Route.get("/boom", Access.PUBLIC, r -> {
                        throw new IllegalStateException("broken invariant");
                    }));
        }
    }

    private final Handler handler = new Handler();

    private static JsonNode requestLine(LogOutput out) {
        List<JsonNode> lines = out.withMessage("request");
        assertEquals(1, lines.size(), out.stdout());
        return lines.get(0);
    }

    @Test
    void everyLineOfARequest_shouldCarryItsCorrelationIds_andTheRequestLineItsOutcome() throws Exception {
        // WHEN a shopper's request whose route adds a domain id and logs a line of its own
        LogOutput out = LogOutput.capture(() -> handler.handleRequest(
                ApiEvents.request("GET", "/stores/zara/things").caller("shopper-9").requestId("api-req-1").build(), CONTEXT));
        // THEN both log lines and the EMF record carry the ids
        List<JsonNode> lines = out.logLines();
        assertEquals(List.of("working", "request"), lines.stream().map(l -> l.get("message").asText()).toList());
        for (JsonNode line : lines) {
            assertEquals("api-req-1", line.get("requestId").asText(), line.toString());
            assertEquals("lambda-req-7", line.get("lambdaRequestId").asText());
            assertEquals("1-67687c5a-a1b2c3d4e5f67890abcdef01", line.get("traceId").asText(), "the trace header's Root");
            assertTrue(line.get("coldStart").isBoolean());
            assertEquals("GET /stores/{storeId}/things", line.get("route").asText());
            assertEquals("zara", line.get("storeId").asText(), "an id of the path");
            assertEquals("shopper-9", line.get("userId").asText(), "the caller when the path names no user");
            assertEquals("shopper-9", line.get("callerId").asText());
            assertEquals("R-1", line.get("receiptId").asText(), "what the route added");
        }
        JsonNode request = requestLine(out);
        assertEquals("INFO", request.get("level").asText());
        assertEquals(200, request.get("status").asInt());
        assertTrue(request.get("latencyMs").isNumber());
        assertFalse(request.has("errorCode"));
        JsonNode emf = out.emfRecords().get(0);
        assertEquals("R-1", emf.get("receiptId").asText(), "the EMF line is followable too");
        assertEquals("lambda-req-7", emf.get("lambdaRequestId").asText());
        assertEquals("", out.stderr(), "nothing bypasses the logger");
        // AND the EMF record is per route and per function (the template's per-function alarms), with CacheFallback
        assertEquals("[[\"Function\",\"Route\"],[\"Function\"]]",
                emf.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString());
        assertEquals(0, emf.get("CacheFallback").asInt(), "the in-memory cache is no fallback");
    }

    @Test
    void thePathsUser_shouldBeTheUserId_andTheAdminTheCaller() throws Exception {
        LogOutput out = LogOutput.capture(() -> handler.handleRequest(
                ApiEvents.get("/users/alice", ApiEvents.ADMIN), CONTEXT));
        JsonNode request = requestLine(out);
        assertEquals("alice", request.get("userId").asText());
        assertEquals("admin-1", request.get("callerId").asText());
    }

    @Test
    void aRefusal_shouldLogItsErrorCode_atInfo() throws Exception {
        LogOutput out = LogOutput.capture(() -> handler.handleRequest(ApiEvents.get("/refuse", null), CONTEXT));
        JsonNode request = requestLine(out);
        assertEquals(422, request.get("status").asInt());
        assertEquals("insufficient_balance", request.get("errorCode").asText());
        assertEquals(1, out.logLines().size(), "a refusal is no error: one line");
    }

    @Test
    void a500_shouldLogTheExceptionWithItsStack_atError_andTheRequestLine() throws Exception {
        LogOutput out = LogOutput.capture(() -> handler.handleRequest(ApiEvents.get("/boom", null), CONTEXT));
        JsonNode error = out.withMessage("unhandled exception").get(0);
        assertEquals("ERROR", error.get("level").asText());
        assertEquals("internal_error", error.get("errorCode").asText());
        assertEquals(IllegalStateException.class.getName(), error.get("errorType").asText());
        assertTrue(error.get("stackTrace").asText().contains("ApiHandlerLoggingTest"), error.toString());
        assertEquals("GET /boom", error.get("route").asText());
        assertEquals(500, requestLine(out).get("status").asInt());
        assertEquals("internal_error", requestLine(out).get("errorCode").asText());
        assertEquals("", out.stderr(), "no printStackTrace");
    }

    @Test
    void theContext_shouldBeEmptyAfterTheInvocation() throws Exception {
        handler.handleRequest(ApiEvents.request("GET", "/stores/zara/things").caller("shopper-9").build(), CONTEXT);
        assertTrue(LogContext.current().isEmpty(), LogContext.current().toString());
    }

    @Test
    void theTraceId_shouldBeTheRootOfTheHeader_orTheHeader() {
        assertEquals("1-5759e988-bd862e3fe1be46a994272793",
                Invocations.traceId("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"));
        assertEquals("custom", Invocations.traceId("custom"));
        assertEquals(null, Invocations.traceId(null));
    }
}
