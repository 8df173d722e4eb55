package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.services.YamlJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The repository's {@code openapi.yaml}, served by {@code start-api} next to the template's routes (a template route
 * of the same path wins): {@code GET /openapi.yaml} as written, {@code /openapi.json} converted, {@code /docs} a plain
 * HTML page of the operations. Read at each request, so an edit shows without a restart.
 */
final class ApiDescription {

    static final List<String> PATHS = List.of("/openapi.yaml", "/openapi.json", "/docs");
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

    private final Path file;

    ApiDescription(Path root) {
        this.file = root.resolve("openapi.yaml");
    }

    /** The reply for {@code GET path}, or empty when {@code path} is none of {@link #PATHS}. */
    Optional<ApiGatewayEvents.HttpReply> reply(String method, String path) {
        if (!(method.equals("GET") || method.equals("HEAD")) || !PATHS.contains(path)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of(ApiGatewayEvents.HttpReply.json(404, "{\"message\":\"Not Found\"}"));
        }
        try {
            return Optional.of(switch (path) {
                case "/openapi.yaml" -> reply("application/yaml", Files.readAllBytes(file));
                case "/openapi.json" -> reply("application/json", JsonText.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(YamlJson.read(file)));
                default -> reply("text/html; charset=utf-8", page(YamlJson.read(file)).getBytes(StandardCharsets.UTF_8));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiGatewayEvents.HttpReply reply(String contentType, byte[] body) {
        return new ApiGatewayEvents.HttpReply(200, List.of(Map.entry("Content-Type", contentType),
                Map.entry("Cache-Control", "no-store")), body);
    }

    /** A readable page: the description, then one table row per operation with its access and statuses. */
    static String page(JsonNode api) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(api.path("info").path("title").asText("API"))).append("</title><style>")
                .append("body{font:15px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}")
                .append("table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}")
                .append("code{background:#f4f4f4;padding:0 .2rem}.m{font-weight:700;font-family:monospace}pre{white-space:pre-wrap;background:#f8f8f8;padding:1rem}")
                .append("</style></head><body><h1>").append(escape(api.path("info").path("title").asText()))
                .append(" <small>").append(escape(api.path("info").path("version").asText())).append("</small></h1>")
                .append("<p>Machine-readable: <a href=\"/openapi.yaml\">openapi.yaml</a>, <a href=\"/openapi.json\">openapi.json</a>.</p>")
                .append("<pre>").append(escape(api.path("info").path("description").asText())).append("</pre>")
                .append("<table><tr><th>route</th><th>who</th><th>what</th><th>answers</th></tr>");
        for (Iterator<Map.Entry<String, JsonNode>> paths = api.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                JsonNode op = path.getValue().get(method);
                if (op == null) {
                    continue;
                }
                StringBuilder statuses = new StringBuilder();
                op.path("responses").fieldNames().forEachRemaining(s -> statuses.append(s).append(' '));
                html.append("<tr><td><span class=\"m\">").append(method.toUpperCase(Locale.ROOT)).append("</span> <code>")
                        .append(escape(path.getKey())).append("</code></td><td>")
                        .append(escape(op.path("x-mallquest-access").asText(""))).append("</td><td>")
                        .append(escape(op.path("summary").asText(""))).append("</td><td>")
                        .append(statuses.toString().trim()).append("</td></tr>");
            }
        }
        return html.append("</table></body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
