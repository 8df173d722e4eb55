package com.mallquest.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.json.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What an action printed to stdout, where EMF records go outside Lambda too (the local sink): the whole output
 * (for assertion messages) and the EMF records in it (lines with an {@code _aws} member).
 */
public final class EmfOutput {

    /** An action that may throw (assertions included). */
    public interface Action {
        void run() throws Exception;
    }

    private final String output;

    private EmfOutput(String output) {
        this.output = output;
    }

    /** Runs {@code action} with stdout captured; stdout is restored even when it throws. */
    public static EmfOutput capture(Action action) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return new EmfOutput(captured.toString(StandardCharsets.UTF_8));
    }

    /** Everything printed. */
    public String output() {
        return output;
    }

    /** The EMF records printed, in order. */
    public List<JsonNode> records() {
        List<JsonNode> records = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.contains("\"_aws\"")) {
                try {
                    records.add(Json.MAPPER.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return records;
    }
}
