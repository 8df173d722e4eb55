package com.mallquest.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.testing.LogOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTest {

    private static final Log LOG = Log.of(LogTest.class);

    @AfterEach
    void reset() {
        Log.setThreshold(Log.Level.INFO);
        LogContext.beginInvocation(null, null).close();
    }

    private static JsonNode only(LogOutput out) {
        List<JsonNode> lines = out.logLines();
        assertEquals(1, lines.size(), out.stdout());
        return lines.get(0);
    }

    @Test
    void info_shouldWriteOneJsonLine_withTheStandardFieldsAndTypedValues() throws Exception {
        // WHEN
        LogOutput out = LogOutput.capture(() -> LOG.info("pending claim completed", "creditId", "receipt:zara:R-1",
                "coins", 12L, "applied", true, "amount", new BigDecimal("125.50"), "ratio", 0.5, "nothing", null));
        // THEN one line, one object, ids as fields and not in the text
        assertEquals(1, out.stdout().split("\n").length, out.stdout());
        JsonNode line = only(out);
        assertEquals("INFO", line.get("level").asText());
        assertEquals(LogTest.class.getName(), line.get("logger").asText());
        assertEquals("pending claim completed", line.get("message").asText());
        assertTrue(Instant.parse(line.get("timestamp").asText()).isAfter(Instant.now().minusSeconds(60)));
        assertEquals("local", line.get("function").asText(), "AWS_LAMBDA_FUNCTION_NAME, local outside Lambda");
        assertEquals("$LATEST", line.get("functionVersion").asText());
        assertEquals("receipt:zara:R-1", line.get("creditId").asText());
        assertTrue(line.get("coins").isIntegralNumber());
        assertTrue(line.get("applied").isBoolean());
        assertTrue(out.stdout().contains("\"amount\":125.50"), "a BigDecimal exactly: " + out.stdout());
        assertEquals(0.5, line.get("ratio").asDouble());
        assertFalse(line.has("nothing"), "a null value leaves its field out");
        assertEquals("", out.stderr());
    }

    @Test
    void error_shouldCarryTheStackAsOneField_andStayOneLine() throws Exception {
        // GIVEN an exception with a cause and a message over several lines
        RuntimeException e = new IllegalStateException("first line\nsecond \"quoted\" line", new RuntimeException("root cause"));
        // WHEN
        LogOutput out = LogOutput.capture(() -> LOG.error("unhandled exception", e, "errorCode", "internal_error"));
        // THEN
        assertEquals(1, out.stdout().split("\n").length, "the stack is escaped inside the line: " + out.stdout());
        JsonNode line = only(out);
        assertEquals("ERROR", line.get("level").asText());
        assertEquals("internal_error", line.get("errorCode").asText());
        assertEquals(IllegalStateException.class.getName(), line.get("errorType").asText());
        assertEquals("first line\nsecond \"quoted\" line", line.get("errorMessage").asText());
        String stack = line.get("stackTrace").asText();
        assertTrue(stack.contains("at com.mallquest.logging.LogTest"), stack);
        assertTrue(stack.contains("Caused by: java.lang.RuntimeException: root cause"), stack);
    }

    @Test
    void threshold_shouldDropLinesBelowIt() throws Exception {
        // GIVEN WARN
        Log.setThreshold(Log.Level.WARN);
        // WHEN
        LogOutput out = LogOutput.capture(() -> {
            LOG.debug("d");
            LOG.info("i");
            LOG.warn("w");
            LOG.error("e");
        });
        // THEN
        assertEquals(List.of("w", "e"), out.logLines().stream().map(l -> l.get("message").asText()).toList());
        assertFalse(LOG.enabled(Log.Level.INFO));
    }

    @Test
    void level_shouldParseTheLambdaAndCommonNames() {
        assertEquals(Log.Level.DEBUG, Log.Level.parse("trace"));
        assertEquals(Log.Level.DEBUG, Log.Level.parse("DEBUG"));
        assertEquals(Log.Level.INFO, Log.Level.parse(" info "));
        assertEquals(Log.Level.WARN, Log.Level.parse("WARNING"));
        assertEquals(Log.Level.ERROR, Log.Level.parse("FATAL"));
        assertEquals(null, Log.Level.parse("loud"));
    }

    @Test
    void context_shouldAddItsFieldsToEveryLine_untilTheScopeOrInvocationEnds() throws Exception {
        // WHEN
        LogOutput out = LogOutput.capture(() -> {
            try (LogContext.Scope invocation = LogContext.beginInvocation("lambda-1", "1-abc-def")) {
                LogContext.put("requestId", "req-1");
                try (LogContext.Scope claim = LogContext.with("creditId", "receipt:zara:R-1", "requestId", "shadowed")) {
                    LOG.info("inside");
                }
                LOG.info("after scope");
            }
            LOG.info("after invocation");
        });
        // THEN
        List<JsonNode> lines = out.logLines();
        JsonNode inside = lines.get(0);
        assertEquals("lambda-1", inside.get("lambdaRequestId").asText());
        assertEquals("1-abc-def", inside.get("traceId").asText());
        assertTrue(inside.get("coldStart").isBoolean());
        assertEquals("receipt:zara:R-1", inside.get("creditId").asText());
        assertEquals("shadowed", inside.get("requestId").asText());
        JsonNode after = lines.get(1);
        assertFalse(after.has("creditId"), "the scope removed what it added");
        assertEquals("req-1", after.get("requestId").asText(), "and restored what it shadowed");
        assertFalse(lines.get(2).has("requestId"), "the invocation's end forgets everything");
        assertFalse(lines.get(2).has("lambdaRequestId"));
    }

    @Test
    void preserve_shouldPutBackExactlyWhatWasThere() throws Exception {
        LogContext.put("requestId", "req-1");
        try (LogContext.Scope step = LogContext.preserve()) {
            LogContext.put("creditId", "c-1", "requestId", "changed");
        }
        assertEquals(Map.of("requestId", "req-1"), LogContext.current());
    }

    @Test
    void coldStart_shouldBeTrueOnlyForTheFirstInvocationOfTheJvm() {
        // GIVEN any earlier invocation of this JVM
        LogContext.beginInvocation("one", null).close();
        // WHEN
        boolean cold;
        try (LogContext.Scope s = LogContext.beginInvocation("two", null)) {
            cold = (Boolean) LogContext.current().get("coldStart");
        }
        // THEN
        assertFalse(cold);
    }

    @Test
    void aFieldGivenTwice_shouldBeWrittenOnce_theStandardFieldsWinning() throws Exception {
        LogOutput out = LogOutput.capture(() -> LOG.info("m", "level", "DEBUG", "message", "other", "k", 1, "k", 2));
        JsonNode line = only(out);
        assertEquals("INFO", line.get("level").asText());
        assertEquals("m", line.get("message").asText());
        assertEquals(1, line.get("k").asInt());
    }

    @Test
    void aMapOfFields_shouldBecomeFieldsInItsOrder() throws Exception {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("expiredEffectsRemoved", 3);
        summary.put("pendingCreditsCompleted", 1);
        JsonNode line = only(LogOutput.capture(() -> LOG.info("cleanup summary", summary)));
        assertEquals(3, line.get("expiredEffectsRemoved").asInt());
        assertEquals(1, line.get("pendingCreditsCompleted").asInt());
    }

    @Test
    void controlCharacters_shouldBeEscaped() throws Exception {
        JsonNode line = only(LogOutput.capture(() -> LOG.info("tab\there", "raw", "a\u0001b\r\n\u2028")));
        assertEquals("tab\there", line.get("message").asText());
        assertEquals("a\u0001b\r\n\u2028", line.get("raw").asText());
    }

    @Test
    void slf4j_shouldRouteLibraryWarnings_throughTheLogger_andDropTheirInfo() throws Exception {
        // GIVEN a library logger (the SDK, Jedis and EMF log through SLF4J)
        org.slf4j.Logger library = LoggerFactory.getLogger("software.amazon.awssdk.Something");
        // WHEN
        LogOutput out = LogOutput.capture(() -> {
            library.info("chatty {}", 1);
            library.warn("retrying {} of {}", 2, 3, new RuntimeException("boom"));
        });
        // THEN our provider is the one SLF4J found (no NOP logger), and only the warning came out, as JSON
        assertEquals(Slf4jProvider.class.getName() + "$Loggers", LoggerFactory.getILoggerFactory().getClass().getName());
        JsonNode line = only(out);
        assertEquals("WARN", line.get("level").asText());
        assertEquals("software.amazon.awssdk.Something", line.get("logger").asText());
        assertEquals("retrying 2 of 3", line.get("message").asText());
        assertEquals("boom", line.get("errorMessage").asText());
        assertFalse(out.stderr().contains("SLF4J"), out.stderr());
    }
}
