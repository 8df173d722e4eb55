package com.mallquest.local.runner;

import com.mallquest.local.services.SamTemplate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the runner needs from {@code template.yaml}: the functions (Globals merged), the HttpApi routes with
 * their authorization, the JWT authorizer's issuer/audience, the path parameters that are secrets (an HttpApi's
 * {@code Metadata.SecretPathParameters}: logs write their name, never their value), and the schedules.
 */
public final class LocalTemplate {

    static final String FUNCTION_TYPE = "AWS::Serverless::Function";
    static final String LAYER_TYPE = "AWS::Serverless::LayerVersion";
    static final String HTTP_API_TYPE = "AWS::Serverless::HttpApi";

    /** One HttpApi route: {@code method} is upper case or {@code ANY}; {@code path} {@code $default} catches all. */
    public record Route(String method, String path, String functionId, String eventId, boolean authorized) {
        /** API Gateway's route key, e.g. {@code GET /users/{userId}}. */
        public String routeKey() {
            return path.equals("$default") ? "$default" : method + " " + path;
        }
    }

    /** One {@code Schedule} event: its expression ({@code rate(...)}/{@code cron(...)}) and optional fixed input. */
    public record Schedule(String functionId, String eventId, String expression, boolean enabled, Optional<String> input) { }

    /** The JWT authorizer's checks; empty values are not checked. */
    public record JwtRules(Optional<String> issuer, List<String> audience) { }

    private final SamTemplate template;
    private final Path root;
    private final Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<Schedule> schedules = new ArrayList<>();
    private final JwtRules jwtRules;
    private final List<String> secretPathParameters = new ArrayList<>();

    /**
     * @param template the parsed template
     * @param root     the directory {@code CodeUri} paths are relative to
     * @param values   resolves {@code Ref}s in event properties and the authorizer configuration
     */
    public LocalTemplate(SamTemplate template, Path root, LocalValues values) {
        this.template = template;
        this.root = root;
        Map<String, Object> globals = template.globalFunction();
        boolean apiHasDefaultAuthorizer = false;
        JwtRules rules = new JwtRules(Optional.empty(), List.of());
        for (SamTemplate.Resource api : template.resourcesOfType(HTTP_API_TYPE).values()) {
            Object secrets = api.metadata().get("SecretPathParameters");
            if (secrets != null && !(secrets instanceof List<?>)) {
                throw new UserError(api.logicalId() + ".Metadata.SecretPathParameters must be a list of path parameter names");
            }
            if (secrets != null) {
                ((List<?>) secrets).forEach(name -> secretPathParameters.add(String.valueOf(name)));
            }
            Map<String, Object> auth = SamTemplate.map(api.properties().get("Auth"), api.logicalId() + ".Auth");
            if (auth.get("DefaultAuthorizer") != null) {
                apiHasDefaultAuthorizer = true;
                String name = values.resolve(auth.get("DefaultAuthorizer"));
                Map<String, Object> authorizers = SamTemplate.map(auth.get("Authorizers"), api.logicalId() + ".Auth.Authorizers");
                Map<String, Object> authorizer = SamTemplate.map(authorizers.get(name), "Authorizer " + name);
                Map<String, Object> jwt = SamTemplate.map(authorizer.get("JwtConfiguration"), "Authorizer " + name + ".JwtConfiguration");
                String issuer = values.resolve(jwt.get("issuer"));
                List<String> audience = new ArrayList<>();
                if (jwt.get("audience") instanceof List<?> list) {
                    list.forEach(a -> {
                        String resolved = values.resolve(a);
                        if (!resolved.isBlank()) {
                            audience.add(resolved);
                        }
                    });
                }
                rules = new JwtRules(issuer.isBlank() ? Optional.empty() : Optional.of(issuer), List.copyOf(audience));
            }
        }
        this.jwtRules = rules;

        for (SamTemplate.Resource resource : template.resourcesOfType(FUNCTION_TYPE).values()) {
            Map<String, Object> props = resource.properties();
            String id = resource.logicalId();
            String codeUri = text(props, globals, "CodeUri")
                    .orElseThrow(() -> new UserError(id + " has no CodeUri in template.yaml"));
            String handler = text(props, globals, "Handler")
                    .orElseThrow(() -> new UserError(id + " has no Handler in template.yaml"));
            int memory = Integer.parseInt(text(props, globals, "MemorySize").orElse("128"));
            int timeout = Integer.parseInt(text(props, globals, "Timeout").orElse("3"));
            Map<String, Object> variables = new LinkedHashMap<>(variables(globals, "Globals.Function"));
            variables.putAll(variables(props, id));
            functions.put(id, new FunctionDefinition(id, root.resolve(codeUri).normalize(), layerLibs(props, globals, id),
                    handler, memory, timeout, variables));

            Map<String, Object> events = SamTemplate.map(props.get("Events"), id + ".Events");
            for (Map.Entry<String, Object> event : events.entrySet()) {
                Map<String, Object> declaration = SamTemplate.map(event.getValue(), id + ".Events." + event.getKey());
                String type = String.valueOf(declaration.get("Type"));
                Map<String, Object> eventProps = SamTemplate.map(declaration.get("Properties"), id + ".Events." + event.getKey() + ".Properties");
                if (type.equals("HttpApi")) {
                    String path = eventProps.get("Path") == null ? "$default" : values.resolve(eventProps.get("Path"));
                    String method = eventProps.get("Method") == null ? "ANY" : values.resolve(eventProps.get("Method")).toUpperCase(Locale.ROOT);
                    Map<String, Object> routeAuth = SamTemplate.map(eventProps.get("Auth"), id + ".Events." + event.getKey() + ".Auth");
                    Object authorizer = routeAuth.get("Authorizer");
                    boolean authorized = authorizer == null ? apiHasDefaultAuthorizer : !"NONE".equals(values.resolve(authorizer));
                    routes.add(new Route(method.equals("X-AMAZON-APIGATEWAY-ANY-METHOD") ? "ANY" : method, path, id, event.getKey(), authorized));
                } else if (type.equals("Schedule") || type.equals("ScheduleV2")) {
                    Object expression = eventProps.get(type.equals("Schedule") ? "Schedule" : "ScheduleExpression");
                    Object enabled = eventProps.get("Enabled");
                    Object state = eventProps.get("State");
                    boolean on = (enabled == null || Boolean.parseBoolean(values.resolve(enabled)))
                            && (state == null || "ENABLED".equals(values.resolve(state)));
                    Object input = eventProps.get("Input");
                    schedules.add(new Schedule(id, event.getKey(), values.resolve(expression), on,
                            input == null ? Optional.empty() : Optional.of(values.resolve(input))));
                }
            }
        }
    }

    public SamTemplate template() {
        return template;
    }

    public Path root() {
        return root;
    }

    public Map<String, FunctionDefinition> functions() {
        return functions;
    }

    public FunctionDefinition function(String logicalId) {
        FunctionDefinition definition = functions.get(logicalId);
        if (definition == null) {
            throw new UserError("No function " + logicalId + " in template.yaml; the functions are: " + String.join(", ", functions.keySet()));
        }
        return definition;
    }

    public List<Route> routes() {
        return routes;
    }

    public List<Schedule> schedules() {
        return schedules;
    }

    public JwtRules jwtRules() {
        return jwtRules;
    }

    /** Path parameters whose values are secrets (never logged), from the HttpApi's {@code Metadata.SecretPathParameters}. */
    public List<String> secretPathParameters() {
        return List.copyOf(secretPathParameters);
    }

    /**
     * The {@code java/lib} directories of a function's {@code Layers}: each a {@code !Ref} to an
     * {@code AWS::Serverless::LayerVersion} of this template, whose {@code ContentUri} directory holds
     * {@code java/lib/*.jar} (what Lambda's Java runtime puts on the class path from {@code /opt/java/lib}).
     */
    private List<Path> layerLibs(Map<String, Object> props, Map<String, Object> globals, String id) {
        Object declared = props.containsKey("Layers") ? props.get("Layers") : globals.get("Layers");
        if (declared == null) {
            return List.of();
        }
        if (!(declared instanceof List<?> layers)) {
            throw new UserError(id + ".Layers must be a list in template.yaml");
        }
        List<Path> libs = new ArrayList<>();
        for (Object layer : layers) {
            Object ref = layer instanceof Map<?, ?> m ? m.get("Ref") : null;
            SamTemplate.Resource resource = ref == null ? null : template.resource(String.valueOf(ref))
                    .filter(r -> r.type().equals(LAYER_TYPE)).orElse(null);
            if (resource == null) {
                throw new UserError(id + ": layer " + layer + " is not a !Ref to an " + LAYER_TYPE + " of template.yaml"
                        + " (only the template's own layers run locally)");
            }
            String contentUri = text(resource.properties(), Map.of(), "ContentUri")
                    .orElseThrow(() -> new UserError(resource.logicalId() + " has no ContentUri in template.yaml"));
            libs.add(root.resolve(contentUri).resolve("java/lib").normalize());
        }
        return libs;
    }

    private static Optional<String> text(Map<String, Object> props, Map<String, Object> globals, String key) {
        Object value = props.containsKey(key) ? props.get(key) : globals.get(key);
        return value == null ? Optional.empty() : Optional.of(String.valueOf(value));
    }

    private static Map<String, Object> variables(Map<String, Object> props, String where) {
        Map<String, Object> environment = SamTemplate.map(props.get("Environment"), where + ".Environment");
        return SamTemplate.map(environment.get("Variables"), where + ".Environment.Variables");
    }
}
