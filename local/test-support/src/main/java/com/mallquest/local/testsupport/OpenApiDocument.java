package com.mallquest.local.testsupport;

import com.mallquest.local.services.RepositoryRoot;
import com.mallquest.local.services.YamlJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The repository's {@code openapi.yaml} (OpenAPI 3.1), read for tests: its operations, and checks of a response or
 * an example against the schema the document gives it (JSON Schema 2020-12, networknt's validator, formats asserted).
 *
 * <pre>{@code
 * OpenApiDocument api = OpenApiDocument.repository();
 * Set<String> operations = api.operations();                          // "POST /receipts", ...
 * List<String> problems = api.checkResponse("GET", "/users/alice", 200, body);   // empty when it conforms
 * }</pre>
 *
 * A response conforms when the operation declares its status (or {@code default}), its body validates against that
 * response's {@code application/json} schema and, for an error body {@code {"error":{"code":..}}}, the code is one of
 * the response's {@code x-error-codes}.
 */
public final class OpenApiDocument {

    /** The file name at the repository root. */
    public static final String FILE = "openapi.yaml";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");
    private static volatile OpenApiDocument repository;

    private final JsonNode root;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
    /** JSON Schema 2020-12, with the wrapper's {@code components} (where the $refs point) as a known keyword. */
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .keyword(new NonValidationKeyword("components")).build()));
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private OpenApiDocument(JsonNode root) {
        this.root = root;
    }

    /** The repository's document (read once per JVM). */
    public static OpenApiDocument repository() {
        OpenApiDocument current = repository;
        if (current == null) {
            current = load(RepositoryRoot.locate().resolve(FILE));
            repository = current;
        }
        return current;
    }

    /** A document from its JSON tree (a test's altered copy of {@link #root()}). */
    public static OpenApiDocument of(JsonNode root) {
        return new OpenApiDocument(root);
    }

    /** Reads a document (YAML; timestamps stay strings, as in JSON). */
    public static OpenApiDocument load(Path path) {
        return new OpenApiDocument(YamlJson.read(path));
    }

    /** The whole document as JSON. */
    public JsonNode root() {
        return root;
    }

    /** Every operation as a route key, {@code METHOD /path/{param}}. */
    public Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        root.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    /** The operation object of a route key, if the document has it. */
    public Optional<JsonNode> operation(String routeKey) {
        int space = routeKey.indexOf(' ');
        JsonNode op = root.path("paths").path(routeKey.substring(space + 1)).path(routeKey.substring(0, space).toLowerCase(Locale.ROOT));
        return op.isObject() ? Optional.of(op) : Optional.empty();
    }

    /**
     * The route key of the operation a concrete request path hits ({@code GET /users/alice} → {@code GET /users/{userId}}),
     * literal segments winning over parameters, as API Gateway matches.
     */
    public Optional<String> routeKeyOf(String method, String concretePath) {
        String[] segments = concretePath.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (String key : operations()) {
            String[] parts = key.split(" ", 2);
            if (!parts[0].equalsIgnoreCase(method)) {
                continue;
            }
            String[] template = parts[1].split("/", -1);
            if (template.length != segments.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < template.length && matches; i++) {
                if (template[i].startsWith("{") && template[i].endsWith("}")) {
                    matches = !segments[i].isEmpty();
                } else {
                    matches = template[i].equals(segments[i]);
                    literals++;
                }
            }
            if (matches && literals > bestLiterals) {
                best = key;
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * What is wrong with a response to {@code method concretePath}: an undeclared operation or status, a body that
     * fails the schema, an error code the response does not list. Empty when it conforms.
     */
    public List<String> checkResponse(String method, String concretePath, int status, String body) {
        List<String> problems = new ArrayList<>();
        Optional<String> routeKey = routeKeyOf(method, concretePath);
        if (routeKey.isEmpty()) {
            problems.add(method + " " + concretePath + ": no operation in " + FILE);
            return problems;
        }
        String where = routeKey.get() + " " + status;
        JsonNode responses = operation(routeKey.get()).orElseThrow().path("responses");
        JsonNode response = responses.has(String.valueOf(status)) ? responses.get(String.valueOf(status)) : responses.get("default");
        if (response == null) {
            problems.add(where + ": status not declared in " + FILE + " (declared: " + names(responses) + ")");
            return problems;
        }
        response = resolve(response);
        JsonNode media = response.path("content").path("application/json");
        if (body == null || body.isEmpty()) {
            if (media.isObject()) {
                problems.add(where + ": no body, but " + FILE + " declares application/json");
            }
            return problems;
        }
        if (!media.isObject()) {
            problems.add(where + ": a body, but " + FILE + " declares none");
            return problems;
        }
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(body);
        } catch (IOException e) {
            problems.add(where + ": body is not JSON: " + body);
            return problems;
        }
        problems.addAll(validate(where, media.path("schema"), parsed));
        JsonNode codes = media.get("x-error-codes");
        JsonNode code = parsed.path("error").path("code");
        if (code.isTextual() && codes != null && !contains(codes, code.asText())) {
            problems.add(where + ": error code '" + code.asText() + "' is not among the response's x-error-codes " + codes);
        }
        return problems;
    }

    /**
     * What is wrong with the document as an OpenAPI 3.1 document: its validation against the OpenAPI 3.1 document
     * schema ({@value #DOCUMENT_SCHEMA}, from the OpenAPI Initiative; Schema Objects inside are not checked by it,
     * {@link #checkExamples} and the handler tests exercise those). Empty when it conforms.
     */
    public List<String> checkDocument() {
        return documentSchema().validate(root).stream()
                .map(m -> m.getInstanceLocation() + ": " + m.getMessage()).sorted().toList();
    }

    /** The classpath resource holding the OpenAPI 3.1 document schema (see the NOTICE beside it). */
    public static final String DOCUMENT_SCHEMA = "openapi/oas-3.1-schema.json";
    private static volatile JsonSchema documentSchema;

    private static JsonSchema documentSchema() {
        JsonSchema current = documentSchema;
        if (current == null) {
            try (var in = OpenApiDocument.class.getClassLoader().getResourceAsStream(DOCUMENT_SCHEMA)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + DOCUMENT_SCHEMA);
                }
                current = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(MAPPER.readTree(in));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            documentSchema = current;
        }
        return current;
    }

    /**
     * What is wrong with the document's own examples: every {@code example} of a request body or response must
     * validate against its schema, and an error example must carry one of its {@code x-error-codes}.
     */
    public List<String> checkExamples() {
        List<String> problems = new ArrayList<>();
        root.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (!METHODS.contains(op.getKey())) {
                return;
            }
            String key = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            JsonNode request = resolve(op.getValue().path("requestBody")).path("content").path("application/json");
            checkExample(key + " request", request, problems);
            op.getValue().path("responses").fields().forEachRemaining(r ->
                    checkExample(key + " " + r.getKey(), resolve(r.getValue()).path("content").path("application/json"), problems));
        }));
        return problems;
    }

    /** How many examples {@link #checkExamples} checks (so a test can tell it checked something). */
    public int exampleCount() {
        int[] count = {0};
        root.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                if (resolve(op.getValue().path("requestBody")).path("content").path("application/json").has("example")) {
                    count[0]++;
                }
                op.getValue().path("responses").forEach(r -> {
                    if (resolve(r).path("content").path("application/json").has("example")) {
                        count[0]++;
                    }
                });
            }
        }));
        return count[0];
    }

    private void checkExample(String where, JsonNode media, List<String> problems) {
        if (!media.isObject()) {
            return;
        }
        if (!media.has("example")) {
            problems.add(where + ": no example");
            return;
        }
        JsonNode example = media.get("example");
        problems.addAll(validate(where + " example", media.path("schema"), example));
        JsonNode codes = media.get("x-error-codes");
        JsonNode code = example.path("error").path("code");
        if (code.isTextual() && codes != null && !contains(codes, code.asText())) {
            problems.add(where + " example: error code '" + code.asText() + "' is not among " + codes);
        }
    }

    /** Validates {@code value} against {@code schema}, whose {@code $ref}s point into this document's components. */
    public List<String> validate(String where, JsonNode schema, JsonNode value) {
        if (schema.isMissingNode()) {
            return List.of(where + ": no schema");
        }
        JsonSchema compiled = schemas.computeIfAbsent(schema.toString(), text -> {
            ObjectNode wrapper = MAPPER.createObjectNode();
            wrapper.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            wrapper.set("components", root.path("components"));
            wrapper.putArray("allOf").add(schema);
            return factory.getSchema(wrapper, config);
        });
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : compiled.validate(value)) {
            problems.add(where + ": " + m.getMessage() + " in " + abbreviate(value.toString()));
        }
        return problems;
    }

    /** {@code node}, or what its {@code $ref} (into this document) points to. */
    public JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current != null && current.has("$ref") && hops < 10; hops++) {
            String ref = current.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local $refs are supported: " + ref);
            }
            current = root.at(ref.substring(1));
        }
        return current == null ? MAPPER.missingNode() : current;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) {
            if (n.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }
}
