package com.mallquest.local.services;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A SAM/CloudFormation template read as plain maps and lists, with the short-form intrinsic tags mapped to
 * their long form: {@code !Ref X} becomes {@code {"Ref": "X"}}, {@code !GetAtt A.B.C} becomes
 * {@code {"Fn::GetAtt": ["A", "B.C"]}}, {@code !Sub s} becomes {@code {"Fn::Sub": s}}, and so on for
 * {@code !Join !If !Equals !Select !Split !FindInMap !ImportValue !Base64 !GetAZs !Not !And !Or !Cidr}
 * and {@code !Condition} ({@code {"Condition": name}}).
 *
 * <pre>{@code
 * SamTemplate template = SamTemplate.load(RepositoryRoot.template());
 * Map<String, SamTemplate.Resource> tables = template.resourcesOfType("AWS::DynamoDB::Table");
 * }</pre>
 *
 * <p>With {@code Transform: [AWS::LanguageExtensions, ...]} the {@code Fn::ForEach} loops are expanded first, as
 * CloudFormation does before SAM ({@link LanguageExtensions}): {@link #root()} and the sections are the expanded
 * template, {@link #written()} the file as written. Nothing else is resolved or validated here: the values are as
 * written, for the code that interprets them (the table provisioner, the local runner).
 */
public final class SamTemplate {

    /** Short tags whose long form is {@code Fn::<name>}. */
    private static final List<String> FN_TAGS = List.of(
            "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
            "If", "Equals", "Not", "And", "Or", "Transform", "Length", "ToJsonString");

    private final Path path;
    private final Map<String, Object> written;
    private final Map<String, Object> root;

    private SamTemplate(Path path, Map<String, Object> written) {
        this.path = path;
        this.written = written;
        try {
            this.root = LanguageExtensions.expand(written);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid template " + (path.toString().isEmpty() ? "<text>" : path) + ": " + e.getMessage(), e);
        }
    }

    /** Reads and parses the template at {@code path}. */
    public static SamTemplate load(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return new SamTemplate(path, parse(reader, path.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    /** Parses template text (for tests and tools); {@link #path()} is empty-named. */
    public static SamTemplate parse(String yaml) {
        return new SamTemplate(Path.of(""), parse(new StringReader(yaml), "<text>"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(Reader reader, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object document;
        try {
            document = new Yaml(new IntrinsicTagConstructor(options)).load(reader);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid template " + source + ": " + e.getMessage(), e);
        }
        if (!(document instanceof Map)) {
            throw new IllegalArgumentException("Invalid template " + source + ": the top level is not a mapping");
        }
        return Collections.unmodifiableMap((Map<String, Object>) document);
    }

    /** Where the template was read from. */
    public Path path() {
        return path;
    }

    /** The whole document as SAM receives it: its {@code Fn::ForEach} loops expanded. */
    public Map<String, Object> root() {
        return root;
    }

    /** The whole document as written in the file (loops not expanded). */
    public Map<String, Object> written() {
        return written;
    }

    /** {@code Parameters}: name to its declaration ({@code Type}, {@code Default}, ...). */
    public Map<String, Map<String, Object>> parameters() {
        return section("Parameters");
    }

    /** {@code Globals} ({@code Function}, {@code Api}, ...). */
    public Map<String, Object> globals() {
        return map(root.get("Globals"), "Globals");
    }

    /** {@code Globals.Function}, empty when absent. */
    public Map<String, Object> globalFunction() {
        return map(globals().get("Function"), "Globals.Function");
    }

    /** {@code Outputs}: name to its declaration. */
    public Map<String, Map<String, Object>> outputs() {
        return section("Outputs");
    }

    /** Every resource by logical id, in template order. */
    public Map<String, Resource> resources() {
        Map<String, Resource> resources = new LinkedHashMap<>();
        section("Resources").forEach((logicalId, body) -> resources.put(logicalId, new Resource(logicalId, body)));
        return Collections.unmodifiableMap(resources);
    }

    /** The resources of one type ({@code AWS::DynamoDB::Table}, {@code AWS::Serverless::Function}, ...) by logical id. */
    public Map<String, Resource> resourcesOfType(String type) {
        Map<String, Resource> matching = new LinkedHashMap<>();
        resources().forEach((logicalId, resource) -> {
            if (type.equals(resource.type())) {
                matching.put(logicalId, resource);
            }
        });
        return Collections.unmodifiableMap(matching);
    }

    /** One resource, if declared. */
    public Optional<Resource> resource(String logicalId) {
        return Optional.ofNullable(resources().get(logicalId));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> section(String name) {
        Map<String, Object> section = map(root.get(name), name);
        section.forEach((key, value) -> map(value, name + "." + key)); // each entry must be a mapping
        return (Map<String, Map<String, Object>>) (Map<String, ?>) section;
    }

    /** {@code value} as a mapping: empty when null, an {@link IllegalArgumentException} naming {@code where} otherwise. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value, String where) {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(where + " is not a mapping: " + value);
        }
        return (Map<String, Object>) value;
    }

    /**
     * A resource: its logical id, {@code Type}, {@code Properties}, {@code Metadata} and the whole declaration
     * (for {@code DependsOn}, {@code Condition}, {@code DeletionPolicy}, ...).
     */
    public record Resource(String logicalId, Map<String, Object> declaration) {
        /** {@code Type}. */
        public String type() {
            Object type = declaration.get("Type");
            if (!(type instanceof String text)) {
                throw new IllegalArgumentException("Resource " + logicalId + " has no Type");
            }
            return text;
        }

        /** {@code Properties}, empty when absent. */
        public Map<String, Object> properties() {
            return map(declaration.get("Properties"), logicalId + ".Properties");
        }

        /** {@code Metadata}, empty when absent. */
        public Map<String, Object> metadata() {
            return map(declaration.get("Metadata"), logicalId + ".Metadata");
        }
    }

    /** SnakeYAML constructor for CloudFormation's short-form tags (safe: no arbitrary classes). */
    private static final class IntrinsicTagConstructor extends SafeConstructor {
        IntrinsicTagConstructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(new Tag("!Ref"), new LongForm("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new LongForm("Condition"));
            yamlConstructors.put(new Tag("!GetAtt"), new GetAtt());
            for (String name : FN_TAGS) {
                yamlConstructors.put(new Tag("!" + name), new LongForm("Fn::" + name));
            }
        }

        /** The node's value as if it carried no tag: a string, list or map (nested tags are mapped too). */
        Object untagged(Node node) {
            if (node instanceof ScalarNode scalar) {
                return constructScalar(scalar);
            }
            if (node instanceof SequenceNode sequence) {
                return constructSequence(sequence);
            }
            return constructMapping((MappingNode) node);
        }

        /** {@code !Name value} to {@code {"<key>": value}}. */
        private final class LongForm extends AbstractConstruct {
            private final String key;

            LongForm(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Map<String, Object> longForm = new LinkedHashMap<>(1);
                longForm.put(key, untagged(node));
                return longForm;
            }
        }

        /** {@code !GetAtt A.B.C} to {@code {"Fn::GetAtt": ["A", "B.C"]}}; the list form is kept as is. */
        private final class GetAtt extends AbstractConstruct {
            @Override
            public Object construct(Node node) {
                Object value = untagged(node);
                if (value instanceof String text) {
                    int dot = text.indexOf('.');
                    if (dot <= 0 || dot == text.length() - 1) {
                        throw new IllegalArgumentException("!GetAtt " + text + " is not of the form Resource.Attribute");
                    }
                    value = List.of(text.substring(0, dot), text.substring(dot + 1));
                }
                Map<String, Object> longForm = new LinkedHashMap<>(1);
                longForm.put("Fn::GetAtt", value);
                return longForm;
            }
        }
    }
}
