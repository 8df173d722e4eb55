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
 * What an action wrote to stdout and stderr, where the log (and EMF) lines go: the raw text of both, and each stdout
 * line parsed as the JSON object it must be. A stdout line that is not a JSON object fails the capture: that is the
 * structured-logging contract.
 *
 * <pre>{@code
 * LogOutput out = LogOutput.capture(() -> handler.handleRequest(event, context));
 * JsonNode request = out.logLines().stream().filter(l -> l.path("message").asText().equals("request")).findFirst().orElseThrow();
 * }</pre>
 */
public final class LogOutput {

    private final String stdout;
    private final String stderr;
    private final List<JsonNode> lines;

    private LogOutput(String stdout, String stderr, List<JsonNode> lines) {
        this.stdout = stdout;
        this.stderr = stderr;
        this.lines = lines;
    }

    /** Runs {@code action} with stdout and stderr captured (both restored even when it throws). */
    public static LogOutput capture(EmfOutput.Action action) throws Exception {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        String stdout = out.toString(StandardCharsets.UTF_8);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode node = Json.MAPPER.readTree(line);
                if (node == null || !node.isObject()) {
                    throw new AssertionError("stdout line is no JSON object: " + line);
                }
                lines.add(node);
            } catch (IOException e) {
                throw new AssertionError("stdout line is no JSON object: " + line, e);
            }
        }
        return new LogOutput(stdout, err.toString(StandardCharsets.UTF_8), lines);
    }

    /** Everything written to stdout. */
    public String stdout() {
        return stdout;
    }

    /** Everything written to stderr (nothing, when every line goes through the logger). */
    public String stderr() {
        return stderr;
    }

    /** Every stdout line: log lines and EMF records. */
    public List<JsonNode> lines() {
        return lines;
    }

    /** The logger's lines (those with a {@code logger} member). */
    public List<JsonNode> logLines() {
        return lines.stream().filter(l -> l.has("logger") && l.has("level")).toList();
    }

    /** The EMF records (lines with an {@code _aws} member). */
    public List<JsonNode> emfRecords() {
        return lines.stream().filter(l -> l.has("_aws")).toList();
    }

    /** The log lines whose message is {@code message}. */
    public List<JsonNode> withMessage(String message) {
        return logLines().stream().filter(l -> l.path("message").asText().equals(message)).toList();
    }
}
