package com.mallquest.core.domain.effects;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Bounds on an effect's {@code data}: it is stored once per active effect and sent to every polling
 * screen, so it stays small ({@value #MAX_BYTES} bytes of JSON) and shallow ({@value #MAX_DEPTH} levels).
 */
public final class EffectData {

    /** Largest serialised {@code data}, in bytes. */
    public static final int MAX_BYTES = 1024;
    /** Deepest nesting of objects/arrays inside {@code data} ({@code {"a":{"b":1}}} is depth 2). */
    public static final int MAX_DEPTH = 3;

    private EffectData() { }

    /** Throws a 400 naming {@code data} when {@code data} exceeds a bound. */
    public static void check(Map<String, Object> data) {
        if (data == null) {
            return;
        }
        int depth = depth(data, 1);
        if (depth > MAX_DEPTH) {
            throw DomainException.invalid("data", "data may nest at most " + MAX_DEPTH + " levels deep");
        }
        int bytes = Json.write(data).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw DomainException.invalid("data", "data may be at most " + MAX_BYTES + " bytes of JSON, was " + bytes);
        }
    }

    /** The nesting depth of {@code value} when it sits at {@code level}; stops walking once beyond the bound. */
    private static int depth(Object value, int level) {
        Collection<?> children;
        if (value instanceof Map<?, ?> map) {
            children = map.values();
        } else if (value instanceof Collection<?> list) {
            children = list;
        } else {
            return level - 1; // a scalar adds no level
        }
        if (level > MAX_DEPTH) {
            return level;
        }
        int deepest = level;
        for (Object child : children) {
            deepest = Math.max(deepest, depth(child, level + 1));
        }
        return deepest;
    }
}
