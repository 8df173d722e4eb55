package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the process environment of a function's container, in {@code sam local}'s order of precedence:
 * <ol>
 *   <li>what Lambda sets ({@code AWS_LAMBDA_FUNCTION_NAME}, {@code AWS_REGION}, memory, timeout, ...) and
 *       {@code AWS_SAM_LOCAL=true};</li>
 *   <li>the variables the template declares (Globals merged), intrinsics resolved by {@link LocalValues};</li>
 *   <li>the local backing services ({@code DYNAMODB_ENDPOINT}, and {@code REDIS_CLUSTER=false} unless the shell
 *       says otherwise: a local Redis is standalone);</li>
 *   <li>for each declared variable, the shell's value of the same name when set;</li>
 *   <li>the {@code --env-vars} file: {@code {"Parameters":{..}}} for every function, {@code {"<LogicalId>":{..}}}
 *       for one (the latter wins). As in SAM, only variables the function has are overridden.</li>
 * </ol>
 */
public final class FunctionEnvironment {

    private final LocalValues values;
    private final Map<String, String> shell;
    private final Map<String, String> backingServices;
    private final JsonNode envVarsFile;

    /**
     * @param values          resolves the template's intrinsics
     * @param shell           the runner's own environment
     * @param backingServices variables every function gets for the local services (e.g. {@code DYNAMODB_ENDPOINT})
     * @param envVarsFile     the parsed {@code --env-vars} file, or null
     */
    public FunctionEnvironment(LocalValues values, Map<String, String> shell, Map<String, String> backingServices, JsonNode envVarsFile) {
        this.values = values;
        this.shell = Map.copyOf(shell);
        this.backingServices = Map.copyOf(backingServices);
        this.envVarsFile = envVarsFile;
    }

    /** Reads and checks an {@code --env-vars} file in SAM's format. */
    public static JsonNode readEnvVarsFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("Cannot read the --env-vars file " + file + ": " + e.getMessage());
        }
        JsonNode node = JsonText.parse(bytes, "The --env-vars file " + file);
        if (!node.isObject()) {
            throw new UserError("The --env-vars file " + file + " must be a JSON object like {\"Parameters\":{\"NAME\":\"value\"}}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isObject()) {
                throw new UserError("The --env-vars file " + file + ": \"" + entry.getKey() + "\" must map to an object of variables");
            }
        }
        return node;
    }

    /** The environment of {@code function}'s containers. */
    public Map<String, String> of(FunctionDefinition function) {
        Map<String, String> env = new LinkedHashMap<>();
        String region = shell.getOrDefault("AWS_REGION", LocalAws.REGION);
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(function.timeoutSeconds()));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + function.logicalId());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "$LATEST");
        env.put("AWS_REGION", region);
        env.put("AWS_DEFAULT_REGION", region);
        // Lambda hands the function its role's credentials; locally the shell's, or dummies a local server accepts.
        env.put("AWS_ACCESS_KEY_ID", shell.getOrDefault("AWS_ACCESS_KEY_ID", "local"));
        env.put("AWS_SECRET_ACCESS_KEY", shell.getOrDefault("AWS_SECRET_ACCESS_KEY", "local"));
        if (shell.containsKey("AWS_SESSION_TOKEN")) {
            env.put("AWS_SESSION_TOKEN", shell.get("AWS_SESSION_TOKEN"));
        }
        env.put("AWS_SAM_LOCAL", "true");

        Set<String> declared = new TreeSet<>(function.declaredVariables().keySet());
        function.declaredVariables().forEach((name, value) -> env.put(name, values.resolve(value)));
        env.putAll(backingServices);
        for (String name : declared) {
            if (shell.containsKey(name)) {
                env.put(name, shell.get(name));
            }
        }
        if (envVarsFile != null) {
            apply(env, envVarsFile.get("Parameters"));
            apply(env, envVarsFile.get(function.logicalId()));
        }
        return env;
    }

    private static void apply(Map<String, String> env, JsonNode overrides) {
        if (overrides == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (env.containsKey(entry.getKey())) {
                JsonNode value = entry.getValue();
                env.put(entry.getKey(), value.isValueNode() ? value.asText() : value.toString());
            }
        }
    }
}
