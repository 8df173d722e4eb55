package com.mallquest.core.platform.dynamo;

import com.mallquest.core.platform.errors.DomainException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/**
 * The one codec of the API's page cursors: the parts of a page's last key as opaque base64url text. A cursor
 * that is not one this API gave out (too long, not base64url, not UTF-8, the wrong number of parts, or parts its
 * owner's check refuses) is a 400 {@code invalid_cursor} naming the field {@code cursor}, checked before any query
 * is made, never a DynamoDB validation error.
 *
 * <pre>{@code
 * String next = PageCursor.encode(lastKey.get("sk").s());
 * String sk = PageCursor.decode(cursor, 1, parts -> UserItems.isActivitySk(parts.get(0))).get(0);
 * }</pre>
 */
public final class PageCursor {

    /** The longest cursor accepted, in characters (the longest any page makes is far shorter). */
    public static final int MAX_CHARS = 512;
    private static final String SEPARATOR = "\n";

    private PageCursor() {
    }

    /** The cursor of a page ending at a key made of {@code parts} (none may hold a line break). */
    public static String encode(String... parts) {
        for (String part : parts) {
            if (part.contains(SEPARATOR)) {
                throw new IllegalArgumentException("a cursor part holds a line break");
            }
        }
        String cursor = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join(SEPARATOR, parts).getBytes(StandardCharsets.UTF_8));
        if (cursor.length() > MAX_CHARS) {
            throw new IllegalStateException("a cursor of " + cursor.length() + " characters is longer than " + MAX_CHARS);
        }
        return cursor;
    }

    /**
     * The {@code count} parts of {@code cursor}, which {@code valid} accepts; {@code null} for a null or blank
     * cursor (the first page).
     *
     * @throws DomainException {@code invalid_cursor} for anything this API did not give out
     */
    public static List<String> decode(String cursor, int count, Predicate<List<String>> valid) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        if (cursor.length() <= MAX_CHARS) {
            try {
                String text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor))).toString();
                List<String> parts = Arrays.asList(text.split(SEPARATOR, -1));
                if (parts.size() == count && valid.test(parts)) {
                    return List.copyOf(parts);
                }
            } catch (IllegalArgumentException | CharacterCodingException e) {
                // fall through: not one of ours
            }
        }
        throw invalid();
    }

    /** The refusal of a cursor this API did not give out. */
    public static DomainException invalid() {
        return DomainException.invalid("invalid_cursor", "cursor is not one this API gave out", "cursor");
    }
}
