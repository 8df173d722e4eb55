package com.mallquest.core.platform.json;


import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.mallquest.core.platform.errors.DomainException;

import java.io.IOException;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * The one JSON mapper. Request bodies are read strictly: an unknown field, a wrong type or a missing
 * required value is a 400 naming the field. Records validate themselves in their compact constructors
 * by throwing {@link DomainException}, which is passed through unchanged. Body types are exact: a number or
 * boolean is not taken for a string, a string not for a number, a fraction not for a whole number, and a
 * key given twice is malformed JSON (so the value checked is the value used).
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    /**
     * {@link #MAPPER}'s strict twin for request bodies: no scalar coercion ({@code 1001} is not the string
     * {@code "1001"}, {@code "12"} not the number 12, {@code 1.9} not the whole number 1), duplicate keys rejected.
     */
    private static final ObjectMapper BODY_MAPPER = strictCopy(MAPPER);

    private Json() { }

    private static ObjectMapper strictCopy(ObjectMapper base) {
        ObjectMapper strict = base.copy()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        strict.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (LogicalType numeric : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            strict.coercionConfigFor(numeric).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        strict.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        // A timestamp is ISO-8601 text; JavaTimeModule would also take a number as epoch seconds (12345 -> 1970).
        strict.registerModule(new SimpleModule("iso-instants-only").addDeserializer(Instant.class, new IsoInstant()));
        return strict;
    }

    /** Serialises a response body. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + value.getClass().getName(), e);
        }
    }

    /** Reads a request body into {@code type}, turning every mapping problem into a 400 that names the field. */
    public static <T> T readBody(byte[] body, Class<T> type) {
        try {
            T value = BODY_MAPPER.readValue(body, type);
            if (value == null) { // the body was the JSON literal null
                throw DomainException.invalid("invalid_body", "The body must be a JSON object", null);
            }
            return value;
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof DomainException refused) {
                throw refused; // a body type that validates itself (e.g. admin's AdjustmentBatch)
            }
            throw DomainException.invalid(path(e), rootMessage(e));
        } catch (UnrecognizedPropertyException e) {
            throw DomainException.invalid(path(e), "Unknown field '" + e.getPropertyName() + "'");
        } catch (InvalidFormatException e) {
            throw DomainException.invalid(path(e), "Expected " + describe(e.getTargetType()) + ", got " + excerpt(e.getValue()));
        } catch (MismatchedInputException e) {
            String field = path(e);
            if (field == null || field.isEmpty()) {
                throw DomainException.invalid("invalid_body", "The body must be a JSON object", null);
            }
            throw DomainException.invalid(field, "Expected " + describe(e.getTargetType()));
        } catch (JsonMappingException e) {
            if (rootCause(e) instanceof StreamConstraintsException) {
                throw tooComplex();
            }
            throw DomainException.invalid(path(e), rootMessage(e));
        } catch (StreamConstraintsException e) {
            throw tooComplex();
        } catch (JsonProcessingException e) {
            throw DomainException.invalid("malformed_json", "The body is not valid JSON: " + parserProblem(e) + where(e.getLocation()), null);
        } catch (IOException e) {
            throw DomainException.invalid("malformed_json", "The body could not be read", null);
        }
    }

    private static DomainException tooComplex() {
        return DomainException.invalid("invalid_body", "The body nests too deeply or holds a value that is too long", null);
    }

    /**
     * What is wrong with the text, in the API's own words: the parser's message names its classes and switches
     * ({@code JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS}, token excerpts), which a client must never see.
     */
    static String parserProblem(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.contains("end-of-input")) {
            return "it ends before the JSON value does";
        }
        if (message.contains("Non-standard token") || message.contains("NaN") || message.contains("Infinity")) {
            return "numbers must be finite JSON numbers";
        }
        if (message.contains("Duplicate field")) {
            return "a field appears twice";
        }
        return "an unexpected character or token";
    }

    /** Reads an {@link Instant} only from a JSON string (ISO-8601); any other token is a wrong type. */
    private static final class IsoInstant extends StdDeserializer<Instant> {
        IsoInstant() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            return InstantDeserializer.INSTANT.deserialize(p, ctxt);
        }
    }

    /** {@code " (line 1, column 7)"}, or nothing when the parser did not say. */
    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = rootCause(e);
        return root instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : root.getMessage();
    }

    /** A rejected value as echoed in a message: at most 40 characters. */
    private static String excerpt(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (type == Integer.class || type == Long.class || type == Short.class || type == int.class
                || type == long.class || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.getName().startsWith("java.time")) {
            return "an ISO-8601 timestamp such as 2026-11-25T10:00:00Z";
        }
        return "a JSON " + (type.isArray() || Iterable.class.isAssignableFrom(type) ? "array" : "object");
    }
}
