package com.mallquest.local.runner;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Selects the HttpApi route of a request as API Gateway does: a route with the exact method before {@code ANY},
 * literal path segments before {@code {param}}, {@code {param}} before a greedy {@code {proxy+}}, and
 * {@code $default} when nothing else matches. Path parameters are URL-decoded.
 */
public final class RouteTable {

    /** A selected route and its path parameters. */
    public record Match(LocalTemplate.Route route, Map<String, String> pathParameters) { }

    private record Compiled(LocalTemplate.Route route, String[] segments, int literals, boolean greedy) { }

    private final List<Compiled> routes = new ArrayList<>();
    private final Optional<LocalTemplate.Route> fallback;

    public RouteTable(List<LocalTemplate.Route> declared) {
        Optional<LocalTemplate.Route> defaultRoute = Optional.empty();
        for (LocalTemplate.Route route : declared) {
            if (route.path().equals("$default")) {
                defaultRoute = Optional.of(route);
                continue;
            }
            String[] segments = split(route.path());
            int literals = 0;
            boolean greedy = false;
            for (String s : segments) {
                if (s.startsWith("{") && s.endsWith("+}")) {
                    greedy = true;
                } else if (!(s.startsWith("{") && s.endsWith("}"))) {
                    literals++;
                }
            }
            routes.add(new Compiled(route, segments, literals, greedy));
        }
        routes.sort(Comparator.comparing((Compiled c) -> c.greedy)
                .thenComparing(c -> -c.literals)
                .thenComparing(c -> -c.segments.length)
                .thenComparing(c -> c.route.method().equals("ANY")));
        this.fallback = defaultRoute;
    }

    /** The route for {@code method} and the raw (still percent-encoded) {@code path}. */
    public Optional<Match> select(String method, String rawPath) {
        String[] parts = split(rawPath);
        for (Compiled compiled : routes) {
            String routeMethod = compiled.route.method();
            if (!routeMethod.equals("ANY") && !routeMethod.equals(method)) {
                continue;
            }
            Map<String, String> params = match(compiled, parts);
            if (params != null) {
                return Optional.of(new Match(compiled.route, params));
            }
        }
        return fallback.map(route -> new Match(route, Map.of()));
    }

    /**
     * {@code rawPath} as a log may write it: each path parameter named in {@code secrets} replaced by {@code {name}},
     * read against the first route whose path matches whatever the method (a secret sent with the wrong method is
     * hidden too). A path no route matches is returned as it is.
     */
    public String forLog(String rawPath, Set<String> secrets) {
        if (secrets.isEmpty()) {
            return rawPath;
        }
        String[] parts = split(rawPath);
        for (Compiled compiled : routes) {
            if (match(compiled, parts) != null) {
                StringBuilder logged = new StringBuilder();
                for (int i = 0; i < compiled.segments.length; i++) {
                    String segment = compiled.segments[i];
                    boolean greedy = segment.startsWith("{") && segment.endsWith("+}");
                    boolean parameter = segment.startsWith("{") && segment.endsWith("}");
                    String name = greedy ? segment.substring(1, segment.length() - 2) : parameter ? segment.substring(1, segment.length() - 1) : null;
                    if (name != null && secrets.contains(name)) {
                        logged.append('/').append(segment);
                    } else if (greedy) {
                        logged.append('/').append(String.join("/", java.util.Arrays.copyOfRange(parts, i, parts.length)));
                    } else {
                        logged.append('/').append(parts[i]);
                    }
                    if (greedy) {
                        break;
                    }
                }
                return logged.toString();
            }
        }
        return rawPath;
    }

    private static Map<String, String> match(Compiled compiled, String[] parts) {
        Map<String, String> params = new LinkedHashMap<>();
        String[] segments = compiled.segments;
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.startsWith("{") && segment.endsWith("+}")) {
                if (i >= parts.length) {
                    return null;
                }
                List<String> rest = new ArrayList<>();
                for (int j = i; j < parts.length; j++) {
                    rest.add(decode(parts[j]));
                }
                params.put(segment.substring(1, segment.length() - 2), String.join("/", rest));
                return params;
            }
            if (i >= parts.length) {
                return null;
            }
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                params.put(segment.substring(1, segment.length() - 1), decode(parts[i]));
            } else if (!segment.equals(parts[i])) {
                return null;
            }
        }
        return parts.length == segments.length ? params : null;
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
