package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.local.services.SamTemplate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipFile;

/**
 * The template brought up locally: backing services, resolved values, and one {@link LocalFunction} per function
 * (containers start on first use). Shared by {@code start-api} and {@code invoke}.
 */
public final class LocalStack implements AutoCloseable {

    /**
     * How to bring the stack up.
     *
     * @param root               repository root (CodeUri, seed files and {@code .mallquest/} are relative to it)
     * @param template           the template file
     * @param shell              the runner's environment ({@code DYNAMODB_ENDPOINT}, {@code REDIS_URL},
     *                           {@code LOCAL_JWT_SECRET}, shell overrides of declared variables)
     * @param parameterOverrides {@code --parameter-overrides}
     * @param envVarsFile        {@code --env-vars}, if given
     * @param tablePrefix        prefix of the local table names (empty by default)
     * @param maxContainers      containers per function at most
     * @param runtimeLib         the Lambda runtime's jars (runtime interface client and friends)
     * @param out                the runner's own messages
     * @param functionLog        function output, given the function's logical id and a line
     */
    public record Options(Path root, Path template, Map<String, String> shell, Map<String, String> parameterOverrides,
                          Optional<Path> envVarsFile, String tablePrefix, int maxContainers, Path runtimeLib,
                          Consumer<String> out, FunctionLog functionLog) { }

    /** Where a function's output lines go. */
    @FunctionalInterface
    public interface FunctionLog {
        void line(String functionId, String line);
    }

    private final Options options;
    private final LocalTemplate template;
    private final LocalBackends backends;
    private final LocalValues values;
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();

    private LocalStack(Options options, LocalTemplate template, LocalBackends backends, LocalValues values) {
        this.options = options;
        this.template = template;
        this.backends = backends;
        this.values = values;
    }

    /**
     * Loads the template, checks the artifacts of {@code only} (all functions when empty), starts the backing
     * services and prepares the functions.
     */
    public static LocalStack open(Options options, Optional<String> only) {
        if (!Files.isRegularFile(options.template())) {
            throw new UserError("No template at " + options.template());
        }
        SamTemplate sam;
        try {
            sam = SamTemplate.load(options.template());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        if (!Files.isDirectory(options.runtimeLib())) {
            throw new UserError("The Lambda runtime jars are missing at " + options.runtimeLib()
                    + "; build with: mvn -q -DskipTests package");
        }
        JsonNode envVars = options.envVarsFile().map(FunctionEnvironment::readEnvVarsFile).orElse(null);
        // A first pass with placeholder table names, to check the functions before starting anything.
        LocalTemplate preview = new LocalTemplate(sam, options.root(),
                new LocalValues(sam, options.parameterOverrides(), Map.of(), ""));
        Collection<FunctionDefinition> checked = only.isPresent()
                ? List.of(preview.function(only.get())) : preview.functions().values();
        checked.forEach(LocalStack::checkArtifact);

        LocalBackends backends = LocalBackends.start(sam, options.root(), options.shell(), options.tablePrefix(), options.out());
        try {
            LocalValues values = new LocalValues(sam, options.parameterOverrides(), backends.tableNames(), backends.cacheUrl());
            LocalTemplate template = new LocalTemplate(sam, options.root(), values);
            LocalStack stack = new LocalStack(options, template, backends, values);
            FunctionEnvironment environment = new FunctionEnvironment(values, options.shell(),
                    backends.functionVariables(options.shell()), envVars);
            for (FunctionDefinition definition : template.functions().values()) {
                String id = definition.logicalId();
                stack.functions.put(id, new LocalFunction(definition, environment.of(definition), options.runtimeLib(),
                        line -> options.functionLog().line(id, line), options.maxContainers()));
            }
            return stack;
        } catch (RuntimeException e) {
            backends.close();
            throw e;
        }
    }

    /** Fails with one clear line when the artifact or a layer is missing, or the artifact lacks the handler class. */
    static void checkArtifact(FunctionDefinition function) {
        Path jar = function.artifact();
        if (!Files.isRegularFile(jar)) {
            throw new UserError(function.logicalId() + ": its artifact " + jar + " (CodeUri) is missing; build it with: mvn -q -DskipTests package");
        }
        String entry = function.handlerClass().replace('.', '/') + ".class";
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.getEntry(entry) == null) {
                throw new UserError(function.logicalId() + ": handler class " + function.handlerClass() + " is not in its artifact "
                        + jar + "; check Handler in template.yaml or rebuild with: mvn -q -DskipTests package");
            }
        } catch (IOException e) {
            throw new UserError(function.logicalId() + ": its artifact " + jar + " is not a readable jar (" + e.getMessage() + ")");
        }
        for (Path lib : function.layers()) {
            if (function.layerJars().stream().noneMatch(j -> j.startsWith(lib))) {
                throw new UserError(function.logicalId() + ": its layer has no jar in " + lib
                        + " (the layer's ContentUri + java/lib); build it with: mvn -q -DskipTests package");
            }
        }
    }

    public LocalTemplate template() {
        return template;
    }

    public LocalValues values() {
        return values;
    }

    public LocalBackends backends() {
        return backends;
    }

    public Options options() {
        return options;
    }

    public LocalFunction function(String logicalId) {
        LocalFunction function = functions.get(logicalId);
        if (function == null) {
            throw new UserError("No function " + logicalId + " in template.yaml; the functions are: " + String.join(", ", functions.keySet()));
        }
        return function;
    }

    @Override
    public void close() {
        functions.values().forEach(LocalFunction::close);
        backends.close();
    }
}
