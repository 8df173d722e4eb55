package com.mallquest.core.platform.dynamo;

import com.mallquest.core.platform.errors.DomainException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PageCursorTest {

    @Test
    void decode_shouldGiveBackTheParts_whenTheCursorIsOneEncodeMade() {
        // GIVEN a cursor of a two-part key
        String cursor = PageCursor.encode("REDEMPTION#r-1", "2026-12-01T09:00:00Z");
        // WHEN / THEN
        assertEquals(List.of("REDEMPTION#r-1", "2026-12-01T09:00:00Z"),
                PageCursor.decode(cursor, 2, parts -> parts.get(0).startsWith("REDEMPTION#")));
        assertNull(PageCursor.decode(null, 2, parts -> true));
        assertNull(PageCursor.decode(" ", 2, parts -> true));
    }

    @Test
    void decode_shouldRefuseWithInvalidCursor_whenTheCursorIsNotOneOfOurs() {
        String tooLong = "A".repeat(PageCursor.MAX_CHARS + 4);
        String notUtf8 = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe});
        String threeParts = PageCursor.encode("a", "b", "c");
        String refusedByOwner = PageCursor.encode("ACT#x");
        for (String bad : List.of("!!", "%%%", tooLong, notUtf8, threeParts, refusedByOwner,
                Base64.getUrlEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8)) + "@")) {
            DomainException e = assertThrows(DomainException.class,
                    () -> PageCursor.decode(bad, 1, parts -> parts.get(0).startsWith("REDEMPTION#")), bad);
            assertEquals("invalid_cursor", e.code(), bad);
            assertEquals("cursor", e.field(), bad);
            assertEquals(DomainException.Kind.INVALID, e.kind(), bad);
        }
    }

    @Test
    void encode_shouldRefuseAPartWithALineBreak() {
        assertThrows(IllegalArgumentException.class, () -> PageCursor.encode("a\nb"));
    }
}
