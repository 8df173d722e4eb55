package com.mallquest.logging;

import java.util.Map;
import java.util.Optional;

/**
 * What the logger needs from the environment, read on its own: it starts before any other setting (in every JVM the
 * project runs, the local tools included) and never fails a start. Every other variable is read by shared-core's
 * {@code config.Settings}; these are declared in template.yaml like those (TemplateSchemaTest reads both files).
 *
 * @param level           {@code AWS_LAMBDA_LOG_LEVEL} (Lambda's, from the template's {@code LoggingConfig}) or
 *                        else {@code LOG_LEVEL}; empty for the default (INFO)
 * @param functionName    {@code AWS_LAMBDA_FUNCTION_NAME}, {@code local} outside Lambda
 * @param functionVersion {@code AWS_LAMBDA_FUNCTION_VERSION}, {@code $LATEST} outside Lambda
 */
public record LogSettings(Optional<String> level, String functionName, String functionVersion) {

    /** The logger's settings from an environment map, normally {@code System.getenv()}. */
    public static LogSettings fromEnvironment(Map<String, String> environment) {
        return new LogSettings(optional(environment, "AWS_LAMBDA_LOG_LEVEL").or(() -> optional(environment, "LOG_LEVEL")),
                optional(environment, "AWS_LAMBDA_FUNCTION_NAME").orElse("local"),
                optional(environment, "AWS_LAMBDA_FUNCTION_VERSION").orElse("$LATEST"));
    }

    private static Optional<String> optional(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
