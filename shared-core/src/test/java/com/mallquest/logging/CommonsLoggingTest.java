package com.mallquest.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.testing.LogOutput;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Apache HTTP client (the SDK's DynamoDB transport) logs through the commons-logging API; jcl-over-slf4j
 * carries that into SLF4J and so into our JSON lines, with the invocation's ids, instead of JUL's two-line
 * text on stderr.
 */
class CommonsLoggingTest {

    @Test
    void apacheClientWarning_shouldComeOutAsOneOfOurJsonLines() throws Exception {
        // GIVEN the logger the Apache client's connection pool logs through, inside an invocation
        Log apache = LogFactory.getLog(PoolingHttpClientConnectionManager.class);
        LogOutput out;
        try (LogContext.Scope invocation = LogContext.beginInvocation("lambda-req-1", null)) {
            LogContext.put("requestId", "api-req-1");
            // WHEN it logs a debug line (dropped, as for every library) and a warning with its exception
            out = LogOutput.capture(() -> {
                apache.debug("Connection leased");
                apache.warn("Connection pool shut down", new IllegalStateException("pool closed"));
            });
        }

        // THEN exactly one JSON line came out, carrying the logger, level, message, error and the invocation's ids
        List<JsonNode> lines = out.logLines();
        assertEquals(1, lines.size(), out.stdout());
        JsonNode line = lines.get(0);
        assertEquals("WARN", line.get("level").asText());
        assertEquals(PoolingHttpClientConnectionManager.class.getName(), line.get("logger").asText());
        assertEquals("Connection pool shut down", line.get("message").asText());
        assertEquals("pool closed", line.get("errorMessage").asText());
        assertEquals("api-req-1", line.get("requestId").asText());
        assertEquals("lambda-req-1", line.get("lambdaRequestId").asText());
        // AND nothing went to stderr, where JUL's ConsoleHandler writes
        assertTrue(out.stderr().isEmpty(), out.stderr());
        assertFalse(out.stdout().contains("Connection leased"), out.stdout());
        // AND commons-logging is SLF4J's bridge, not the JUL-backed original
        assertEquals("org.apache.commons.logging.impl.SLF4JLogFactory", LogFactory.getFactory().getClass().getName());
    }
}
