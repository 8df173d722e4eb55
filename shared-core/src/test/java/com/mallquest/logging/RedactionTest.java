package com.mallquest.logging;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.testing.LogOutput;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {

    private static final Log LOG = Log.of(RedactionTest.class);
    /** A compact JWS of the receipt-code shape (header.payload.signature, base64url). */
    static final String RECEIPT_CODE = "eyJhbGciOiJFZERTQSIsImtpZCI6InphcmEtMSJ9"
            + ".eyJzdG9yZUlkIjoiemFyYSIsInJlY2VpcHRJZCI6IlItMSIsImFtb3VudCI6IjEyNS41MCJ9"
            + ".c2lnbmF0dXJlLWJ5dGVzLWhlcmUtNjQtb2YtdGhlbS1pbi1iYXNlNjR1cmw";
    static final String ACCESS_TOKEN = "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJ1c2VyLTEifQ.sig_nature-xyz";

    @Test
    void scrub_shouldRemoveTokensCodesBearerValuesAndUrlPasswords() {
        assertEquals("code [redacted] refused", Redaction.scrub("code " + RECEIPT_CODE + " refused"));
        assertEquals("Authorization: Bearer [redacted]", Redaction.scrub("Authorization: Bearer opaque-token-123"));
        assertEquals("Failed to connect to rediss://[redacted]@cache.example:6379",
                Redaction.scrub("Failed to connect to rediss://default:hunter2@cache.example:6379"));
        assertEquals("nothing secret: receipt R-1 of zara", Redaction.scrub("nothing secret: receipt R-1 of zara"));
    }

    @Test
    void secretNamedFields_shouldNeverBeWritten() {
        assertTrue(Redaction.isSecretField("authorization"));
        assertTrue(Redaction.isSecretField("accessToken"));
        assertTrue(Redaction.isSecretField("receipt_code"));
        assertTrue(Redaction.isSecretField("couponCode"));
        assertTrue(Redaction.isSecretField("REDIS_PASSWORD"));
        assertFalse(Redaction.isSecretField("errorCode"));
        assertFalse(Redaction.isSecretField("receiptId"));
    }

    @Test
    void everyPartOfALine_shouldBeScrubbed_messageFieldsContextAndError() throws Exception {
        // GIVEN secrets in each place a careless caller could put one
        LogOutput out = LogOutput.capture(() -> {
            try (LogContext.Scope s = LogContext.with("header", "Bearer " + ACCESS_TOKEN)) {
                LOG.error("submitted " + RECEIPT_CODE, new IllegalStateException("bad code " + RECEIPT_CODE),
                        "body", "{\"code\":\"" + RECEIPT_CODE + "\"}", "token", "opaque", "url",
                        URI.create("rediss://user:hunter2@h:6379"));
            }
        });
        // THEN none of them is in the output
        String all = out.stdout();
        assertFalse(all.contains(RECEIPT_CODE.substring(0, 60)), all);
        assertFalse(all.contains(ACCESS_TOKEN.substring(0, 30)), all);
        assertFalse(all.contains("hunter2"), all);
        assertFalse(all.contains("opaque"), all);
        JsonNode line = out.logLines().get(0);
        assertEquals("[redacted]", line.get("token").asText());
        assertTrue(line.get("stackTrace").asText().contains("bad code [redacted]"));
    }
}
