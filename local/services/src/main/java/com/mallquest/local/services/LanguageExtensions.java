package com.mallquest.local.services;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CloudFormation's {@code AWS::LanguageExtensions} transform as far as template.yaml uses it: every
 * {@code Fn::ForEach} loop expanded in place, which CloudFormation does before SAM's transform reads the template.
 *
 * <pre>{@code
 * Resources:
 *   Fn::ForEach::Alarms:
 *     - Fn                                     # the identifier
 *     - [SubmitReceiptFunction, CleanupFunction] # the collection: a literal list here
 *     - ${Fn}ThrottlesAlarm:                   # ${Fn} (or &{Fn}, letters and digits only) in keys
 *         Properties:
 *           AlarmDescription: !Sub '${Fn} ...' # in Fn::Sub text (a Sub left without placeholders is a plain string)
 *           Value: {Ref: !Sub '${Fn}'}         # a Ref to the resource the value names; !Ref Fn is the value itself
 * }</pre>
 *
 * <p>Loops are expanded in {@code Conditions}, {@code Resources} and {@code Outputs} at any depth (resource
 * properties included), nested loops too. What this does not do fails loudly instead of differing from
 * CloudFormation: a collection that is not a literal list of scalars (a {@code Ref} to a
 * {@code CommaDelimitedList} parameter), a loop outside those sections or without the transform declared, a
 * placeholder of a loop's identifier in a plain string (write {@code !Sub}), and a key produced twice.
 */
public final class LanguageExtensions {

    /** The transform's name in the template's {@code Transform}. */
    public static final String TRANSFORM = "AWS::LanguageExtensions";
    private static final String FOR_EACH = "Fn::ForEach::";
    private static final Set<String> LOOP_SECTIONS = Set.of("Conditions", "Resources", "Outputs");

    private final boolean declared;

    private LanguageExtensions(boolean declared) {
        this.declared = declared;
    }

    /** Whether {@code Transform} (one name or a list of names) includes {@value #TRANSFORM}. */
    public static boolean declaredBy(Map<String, Object> template) {
        Object transform = template.get("Transform");
        return transform instanceof List<?> names ? names.contains(TRANSFORM) : TRANSFORM.equals(transform);
    }

    /**
     * The template with its {@code Fn::ForEach} loops expanded (the same template when it has none); an
     * {@link IllegalArgumentException} names the loop or key this cannot expand as CloudFormation would.
     */
    public static Map<String, Object> expand(Map<String, Object> template) {
        LanguageExtensions transform = new LanguageExtensions(declaredBy(template));
        Map<String, Object> expanded = new LinkedHashMap<>();
        template.forEach((section, body) -> {
            if (LOOP_SECTIONS.contains(section)) {
                expanded.put(section, transform.walk(body, Map.of(), section));
            } else {
                refuseLoops(body, section);
                expanded.put(section, body);
            }
        });
        return Collections.unmodifiableMap(expanded);
    }

    private static void refuseLoops(Object node, String where) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (String.valueOf(key).startsWith(FOR_EACH)) {
                    throw new IllegalArgumentException(where + "." + key + ": Fn::ForEach is allowed only in Conditions, Resources and Outputs");
                }
                refuseLoops(value, where + "." + key);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> refuseLoops(item, where));
        }
    }

    /** {@code node} with the loops in it expanded and the identifiers bound so far substituted. */
    private Object walk(Object node, Map<String, String> bound, String where) {
        if (node instanceof Map<?, ?> map) {
            return walkMapping(map, bound, where);
        }
        if (node instanceof List<?> list) {
            List<Object> items = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                items.add(walk(list.get(i), bound, where + "[" + i + "]"));
            }
            return items;
        }
        if (node instanceof String text) {
            for (String identifier : bound.keySet()) {
                if (text.contains("${" + identifier + "}") || text.contains("&{" + identifier + "}")) {
                    throw new IllegalArgumentException(where + ": the loop identifier " + identifier
                            + " in a plain string is not substituted here; write !Sub '" + text + "'");
                }
            }
        }
        return node;
    }

    private Object walkMapping(Map<?, ?> map, Map<String, String> bound, String where) {
        if (map.size() == 1 && !bound.isEmpty()) {
            Map.Entry<?, ?> only = map.entrySet().iterator().next();
            if ("Ref".equals(only.getKey())) {
                Object target = walk(only.getValue(), bound, where + ".Ref");
                return bound.containsKey(target) ? bound.get(target) : single("Ref", target);
            }
            if ("Fn::Sub".equals(only.getKey())) {
                return sub(only.getValue(), bound, where + ".Fn::Sub");
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((rawKey, value) -> {
            String key = String.valueOf(rawKey);
            if (key.startsWith(FOR_EACH)) {
                loop(key, value, bound, where + "." + key).forEach((k, v) -> putOnce(result, k, v, where));
            } else {
                String newKey = substitute(key, bound);
                putOnce(result, newKey, walk(value, bound, where + "." + newKey), where);
            }
        });
        return result;
    }

    /** One loop's output: its fragment once per value of the collection, merged into one mapping. */
    private Map<String, Object> loop(String name, Object declaration, Map<String, String> bound, String where) {
        if (!declared) {
            throw new IllegalArgumentException(where + ": Fn::ForEach needs Transform: " + TRANSFORM);
        }
        if (!(declaration instanceof List<?> parts) || parts.size() != 3
                || !(parts.get(0) instanceof String identifier) || !(parts.get(2) instanceof Map<?, ?> fragment)) {
            throw new IllegalArgumentException(where + ": expected [Identifier, [values...], {OutputKey: OutputValue}], got " + declaration);
        }
        if (!identifier.matches("[A-Za-z0-9]+") || bound.containsKey(identifier)) {
            throw new IllegalArgumentException(where + ": the identifier " + identifier + " is not alphanumeric or is already an outer loop's");
        }
        if (!(parts.get(1) instanceof List<?> collection)) {
            throw new IllegalArgumentException(where + ": the collection must be a literal list here (a Ref to a "
                    + "CommaDelimitedList parameter is CloudFormation's to resolve), got " + parts.get(1));
        }
        Map<String, Object> output = new LinkedHashMap<>();
        for (Object value : collection) {
            if (value instanceof Map || value instanceof List || value == null) {
                throw new IllegalArgumentException(where + ": the collection's values must be scalars, got " + value);
            }
            Map<String, String> inner = new LinkedHashMap<>(bound);
            inner.put(identifier, String.valueOf(value));
            Map<?, ?> expanded = (Map<?, ?>) walkMapping(fragment, inner, where + "[" + value + "]");
            expanded.forEach((k, v) -> putOnce(output, String.valueOf(k), v, where));
        }
        return output;
    }

    /** {@code Fn::Sub} with the bound identifiers substituted: a plain string when no placeholder is left. */
    private Object sub(Object argument, Map<String, String> bound, String where) {
        if (argument instanceof String text) {
            String substituted = substitute(text, bound);
            return substituted.contains("${") ? single("Fn::Sub", substituted) : substituted;
        }
        if (argument instanceof List<?> list && list.size() == 2 && list.get(0) instanceof String text) {
            return single("Fn::Sub", Arrays.asList(substitute(text, bound), walk(list.get(1), bound, where + "[1]")));
        }
        throw new IllegalArgumentException(where + ": Fn::Sub takes a string or [string, {variables}], got " + argument);
    }

    private static String substitute(String text, Map<String, String> bound) {
        String result = text;
        for (Map.Entry<String, String> binding : bound.entrySet()) {
            result = result.replace("${" + binding.getKey() + "}", binding.getValue())
                    .replace("&{" + binding.getKey() + "}", binding.getValue().replaceAll("[^A-Za-z0-9]", ""));
        }
        return result;
    }

    private static Map<String, Object> single(String key, Object value) {
        Map<String, Object> intrinsic = new LinkedHashMap<>(1);
        intrinsic.put(key, value);
        return intrinsic;
    }

    private static void putOnce(Map<String, Object> into, String key, Object value, String where) {
        if (into.containsKey(key)) {
            throw new IllegalArgumentException(where + ": Fn::ForEach produces " + key + " twice");
        }
        into.put(key, value);
    }
}
