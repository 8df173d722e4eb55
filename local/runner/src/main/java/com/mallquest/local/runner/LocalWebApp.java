package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web app on the local API's port, for every request no template route matches:
 * <ul>
 *   <li>{@code GET /}, {@code /screen}, {@code /ops}: the pages Vite built into {@code web/dist}
 *       ({@code index.html}, {@code screen.html}, {@code ops.html}); other files of {@code web/dist} as they are
 *       (hashed {@code /assets/*} cached for a year, pages never);</li>
 *   <li>{@code GET /config.json}: what the app needs to know about where it runs (the API on the same origin, the
 *       local dev sign-in available); in AWS the deploy writes this file into the bucket instead;</li>
 *   <li>{@code POST /local/dev-token} {@code {"sub":"shopper-1","groups":["admin"]}}: the local dev sign-in, the same
 *       token {@code ./mallquest token} prints (HS256 with the local secret); optionally {@code "name"} (the name a
 *       Cognito ID token carries) and {@code "storeId"} (a store manager's or cashier's {@code custom:storeId}). Only
 *       for requests that {@link DevTokenGuard} lets through (this runner's own loopback origin; 403 otherwise). It
 *       exists only in this runner.</li>
 * </ul>
 * When {@code web/dist} has not been built, a page answers 503 with the command that builds it.
 */
public final class LocalWebApp {

    /** Who the dev sign-in accepts: the API's user-id rule, and group names. */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern STORE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** A person's name: 1-80 characters, no control characters. */
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,80}");
    private static final long DEV_TOKEN_TTL_SECONDS = 8 * 3600;
    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html", "/index.html", "index.html",
            "/screen", "screen.html", "/screen/", "screen.html", "/screen.html", "screen.html",
            "/ops", "ops.html", "/ops/", "ops.html", "/ops.html", "ops.html");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"), Map.entry("map", "application/json"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"));

    private final Path dist;
    private final LocalJwt jwt;
    private final DevTokenGuard devTokenGuard;

    /**
     * @param dist          the built app ({@code web/dist}); may not exist yet
     * @param jwt           signs the dev sign-in's tokens
     * @param devTokenGuard who may use the dev sign-in
     */
    LocalWebApp(Path dist, LocalJwt jwt, DevTokenGuard devTokenGuard) {
        this.dist = dist.toAbsolutePath().normalize();
        this.jwt = jwt;
        this.devTokenGuard = devTokenGuard;
    }

    /** The reply for a request no API route matched, or empty when the web app has nothing at that path either. */
    public Optional<ApiGatewayEvents.HttpReply> serve(ApiGatewayEvents.HttpRequest request) {
        String method = request.method();
        String path = request.rawPath();
        if (path.equals("/local/dev-token")) {
            if (!method.equals("POST")) {
                return Optional.of(error(405, "method_not_allowed", "Use POST"));
            }
            Optional<String> refusal = devTokenGuard.refusal(request);
            return Optional.of(refusal.isPresent() ? error(403, "forbidden", refusal.get()) : devToken(request.body()));
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Optional.empty();
        }
        if (path.equals("/config.json")) {
            return Optional.of(reply(200, "application/json", "no-store",
                    ("{\"apiBase\":\"\",\"devSignIn\":" + devTokenGuard.enabled() + ",\"cognito\":null}").getBytes(StandardCharsets.UTF_8)));
        }
        String page = PAGES.get(path);
        if (page != null) {
            Path file = dist.resolve(page);
            if (!Files.isRegularFile(file)) {
                return Optional.of(reply(503, "text/html; charset=utf-8", "no-store", notBuilt(page)));
            }
            return Optional.of(file(file, "no-cache"));
        }
        return asset(path).map(file -> file(file, path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache"));
    }

    /** A file under {@code dist} named by the path, never outside it (no dot segments, no encoded separators). */
    private Optional<Path> asset(String rawPath) {
        if (!rawPath.startsWith("/") || rawPath.contains("%") || rawPath.contains("\\") || rawPath.contains("//")) {
            return Optional.empty();
        }
        for (String segment : rawPath.substring(1).split("/")) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                return Optional.empty();
            }
        }
        Path file = dist.resolve(rawPath.substring(1)).normalize();
        return file.startsWith(dist) && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    private ApiGatewayEvents.HttpReply file(Path file, String cacheControl) {
        try {
            return reply(200, contentType(file), cacheControl, Files.readAllBytes(file));
        } catch (IOException e) {
            return error(500, "internal_error", "Cannot read " + dist.relativize(file));
        }
    }

    private ApiGatewayEvents.HttpReply devToken(byte[] body) {
        JsonNode request;
        try {
            request = JsonText.MAPPER.readTree(body);
        } catch (IOException e) {
            return error(400, "invalid_json", "Send {\"sub\":\"<userId>\",\"groups\":[\"admin\"]}");
        }
        if (request == null || !request.isObject() || !request.path("sub").isTextual()
                || !USER_ID.matcher(request.get("sub").asText()).matches()) {
            return error(400, "invalid_field", "sub must be a user id: 1 to 128 of A-Z a-z 0-9 . _ @ -");
        }
        List<String> groups = new ArrayList<>();
        JsonNode given = request.path("groups");
        if (!given.isMissingNode() && !given.isNull()) {
            if (!given.isArray() || given.size() > 10) {
                return error(400, "invalid_field", "groups must be a list of at most 10 group names");
            }
            for (JsonNode group : given) {
                if (!group.isTextual() || !GROUP.matcher(group.asText()).matches()) {
                    return error(400, "invalid_field", "groups must be group names (A-Z a-z 0-9 _ -)");
                }
                groups.add(group.asText());
            }
        }
        String name = null;
        if (request.hasNonNull("name")) {
            if (!request.get("name").isTextual() || !NAME.matcher(request.get("name").asText().strip()).matches()) {
                return error(400, "invalid_field", "name must be 1 to 80 characters without control characters");
            }
            name = request.get("name").asText().strip();
        }
        String storeId = null;
        if (request.hasNonNull("storeId")) {
            if (!request.get("storeId").isTextual() || !STORE_ID.matcher(request.get("storeId").asText()).matches()) {
                return error(400, "invalid_field", "storeId must be a store id: a-z, 0-9 and -, at most 64");
            }
            storeId = request.get("storeId").asText();
        }
        ObjectNode out = JsonText.MAPPER.createObjectNode();
        out.put("token", jwt.issue(request.get("sub").asText(), groups, storeId, name, DEV_TOKEN_TTL_SECONDS));
        out.put("expiresInSeconds", DEV_TOKEN_TTL_SECONDS);
        return reply(200, "application/json", "no-store", JsonText.bytes(out));
    }

    private static byte[] notBuilt(String page) {
        return ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>MallQuest: web app not built</title>"
                + "<body><h1>The web app is not built</h1><p>web/dist/" + page + " is missing. Build it with "
                + "<code>npm --prefix web ci &amp;&amp; npm --prefix web run build</code> (./mallquest start-api does this "
                + "when npm is available), then reload.</p></body></html>").getBytes(StandardCharsets.UTF_8);
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static ApiGatewayEvents.HttpReply error(int status, String code, String message) {
        ObjectNode body = JsonText.MAPPER.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return reply(status, "application/json", "no-store", JsonText.bytes(body));
    }

    private static ApiGatewayEvents.HttpReply reply(int status, String type, String cacheControl, byte[] body) {
        return new ApiGatewayEvents.HttpReply(status, List.of(Map.entry("Content-Type", type),
                Map.entry("Cache-Control", cacheControl), Map.entry("X-Content-Type-Options", "nosniff")), body);
    }
}
