package com.mallquest.core.platform.json;

import com.mallquest.core.platform.errors.DomainException;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Json#readBody}: request bodies are read with exact JSON types. */
class JsonTest {

    record Purchase(BigDecimal amount, Instant at) { }

    private static DomainException rejected(String body) {
        return assertThrows(DomainException.class,
                () -> Json.readBody(body.getBytes(StandardCharsets.UTF_8), Purchase.class), body);
    }

    @Test
    void readBody_shouldRefuseATimestampGivenAsANumber() {
        // GIVEN an epoch number where an ISO-8601 timestamp belongs (JavaTimeModule would read 12345 as 1970)
        // WHEN read / THEN 400 naming the field
        DomainException e = rejected("{\"amount\":1,\"at\":12345}");
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals("at", e.field());
    }

    @Test
    void readBody_shouldRefuseANumberGivenAsText() {
        // GIVEN an amount sent as a string
        // WHEN read / THEN 400 naming the field
        DomainException e = rejected("{\"amount\":\"12\",\"at\":\"2026-11-25T10:00:00Z\"}");
        assertEquals(DomainException.Kind.INVALID, e.kind());
        assertEquals("amount", e.field());
    }

    @Test
    void readBody_shouldReadExactTypes() {
        // GIVEN a well-typed body
        // WHEN read
        Purchase p = Json.readBody("{\"amount\":12.50,\"at\":\"2026-11-25T10:00:00Z\"}".getBytes(StandardCharsets.UTF_8), Purchase.class);
        // THEN the values are kept exactly
        assertEquals(new BigDecimal("12.50"), p.amount());
        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), p.at());
    }

    record Count(Long n, Instant at) { }

    @Test
    void readBody_shouldAskForAWholeNumber_andEchoAtMost40CharactersOfABadValue() {
        // GIVEN a fraction for a whole number, and a 10,000-character non-timestamp
        DomainException fraction = assertThrows(DomainException.class,
                () -> Json.readBody("{\"n\":1.9}".getBytes(StandardCharsets.UTF_8), Count.class));
        DomainException longText = assertThrows(DomainException.class, () -> Json.readBody(
                ("{\"at\":\"" + "x".repeat(10_000) + "\"}").getBytes(StandardCharsets.UTF_8), Count.class));
        // WHEN / THEN: the messages say what is expected and stay short
        assertEquals("n", fraction.field());
        assertEquals(true, fraction.getMessage().startsWith("Expected a whole number"), fraction.getMessage());
        assertEquals("at", longText.field());
        assertEquals(true, longText.getMessage().length() < 200, "message of " + longText.getMessage().length() + " chars");
    }
}
