package com.mallquest.core.platform.dynamo;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The one place {@link AttributeValue}s are built and read: {@code s("x")}, {@code n(5)}, {@code ss("a")},
 * and readers that treat a missing attribute as absent ({@code 0}, {@code null}, empty).
 *
 * <pre>{@code
 * import static com.mallquest.core.platform.dynamo.Attributes.n;
 * import static com.mallquest.core.platform.dynamo.Attributes.s;
 * Map<String, AttributeValue> key = Map.of("pk", s("USER#u-1"), "sk", s("PROFILE"));
 * long coins = Attributes.number(item, "coins");
 * }</pre>
 */
public final class Attributes {

    private Attributes() { }

    /** A string attribute. */
    public static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    /** A number attribute. */
    public static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    /** A number attribute from its decimal text (e.g. a {@code BigDecimal}'s plain string). */
    public static AttributeValue n(String decimal) {
        return AttributeValue.builder().n(decimal).build();
    }

    /** A string set of one or more members. */
    public static AttributeValue ss(String... members) {
        return AttributeValue.builder().ss(members).build();
    }

    /** A map of string attributes. */
    public static AttributeValue stringMap(Map<String, String> values) {
        Map<String, AttributeValue> map = new HashMap<>();
        values.forEach((k, v) -> map.put(k, s(v)));
        return AttributeValue.builder().m(map).build();
    }

    /** The number {@code name} of {@code item}; 0 when absent. */
    public static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    /** The string {@code name} of {@code item}; null when absent. */
    public static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /** The ISO-8601 instant {@code name} of {@code item}; null when absent, empty or the text {@code null}. */
    public static Instant instant(Map<String, AttributeValue> item, String name) {
        String v = string(item, name);
        return v == null || v.isEmpty() || "null".equals(v) ? null : Instant.parse(v);
    }

    /** True when the string set {@code name} of {@code item} contains {@code member}. */
    public static boolean setContains(Map<String, AttributeValue> item, String name, String member) {
        AttributeValue v = item.get(name);
        return v != null && v.hasSs() && v.ss().contains(member);
    }

    /** True when the string set {@code name} of {@code item} is absent or empty. */
    public static boolean setEmpty(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || !v.hasSs() || v.ss().isEmpty();
    }

    /** The string map {@code name} of {@code item}; empty when absent. */
    public static Map<String, String> stringMap(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        Map<String, String> out = new HashMap<>();
        if (v != null && v.hasM()) {
            v.m().forEach((k, value) -> out.put(k, value.s()));
        }
        return out;
    }
}
