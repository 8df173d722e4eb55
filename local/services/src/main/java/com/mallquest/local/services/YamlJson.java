package com.mallquest.local.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a plain YAML document (no CloudFormation tags: {@code openapi.yaml}) as the JSON a client would see: YAML's
 * implicit timestamps stay strings, duplicate keys are refused.
 *
 * <pre>{@code
 * JsonNode api = YamlJson.read(RepositoryRoot.locate().resolve("openapi.yaml"));
 * }</pre>
 */
public final class YamlJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private YamlJson() { }

    /** The document at {@code path} as JSON. */
    public static JsonNode read(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return MAPPER.valueToTree(yaml().load(reader));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid YAML in " + path + ": " + e.getMessage(), e);
        }
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Resolver jsonLike = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(Tag.BOOL, BOOL, "yYnNtTfFoO");
                addImplicitResolver(Tag.INT, INT, "-+0123456789");
                addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
                addImplicitResolver(Tag.NULL, NULL, "~nN\0");
                addImplicitResolver(Tag.NULL, EMPTY, null);
            }
        };
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options, jsonLike);
    }
}
