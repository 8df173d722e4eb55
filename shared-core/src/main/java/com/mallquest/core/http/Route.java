package com.mallquest.core.http;

import com.mallquest.core.auth.Access;

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
                params.put(t.substring(1, t.length() - 1), java.net.URLDecoder.decode(actual[i], java.nio.charset.StandardCharsets.UTF_8));
            } else if (!t.equals(actual[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.split("/", -1);
    }
}
