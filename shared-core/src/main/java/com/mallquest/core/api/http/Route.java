package com.mallquest.core.api.http;

import com.mallquest.core.platform.identity.Access;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP API route: {@code method} and a path template such as {@code /users/{userId}}, who may call
 * it, and what answers it. The route key ({@code GET /users/{userId}}) matches the one in template.yaml.
 */
public record Route(String method, String pathTemplate, Access access, Action action) {

    /** Answers a request; throws {@link ApiException} for any 4xx. */
    @FunctionalInterface
    public interface Action {
        ApiResponse handle(ApiRequest request);
    }

    public static Route get(String path, Access access, Action action) {
        return new Route("GET", path, access, action);
    }

    public static Route post(String path, Access access, Action action) {
        return new Route("POST", path, access, action);
    }

    public static Route put(String path, Access access, Action action) {
        return new Route("PUT", path, access, action);
    }

    public static Route delete(String path, Access access, Action action) {
        return new Route("DELETE", path, access, action);
    }

    public String routeKey() {
        return method + " " + pathTemplate;
    }

    /** The path parameters when {@code path} fits this route's template, else empty. */
    public Optional<Map<String, String>> match(String path) {
        String[] template = split(pathTemplate);
        String[] actual = split(path);
        if (template.length != actual.length) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (actual[i].isEmpty()) {
                    return Optional.empty();
                }
                String name = t.substring(1, t.length() - 1);
                params.put(name, decodeSegment(name, actual[i]));
            } else if (!t.equals(actual[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /**
     * A path segment's percent-escapes decoded as UTF-8. Unlike form decoding, {@code +} stays {@code +}
     * ({@code /users/a+b} is user {@code a+b}); a broken escape such as {@code %zz} is a 400 naming the parameter.
     */
    static String decodeSegment(String name, String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField(name, "Path parameter '" + name + "' has a malformed %-escape");
        }
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.split("/", -1);
    }
}
