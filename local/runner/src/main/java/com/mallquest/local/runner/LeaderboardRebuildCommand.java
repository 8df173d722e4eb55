package com.mallquest.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.function.Function;

/**
 * {@code rebuild-leaderboards [week|month|all [AT]]}: the cleanup function's rebuild command
 * ({@code {"rebuildLeaderboards": {"period", "at", "cursor"}}}), invoked again with the {@code cursor} each answer
 * returns until the ledger is replayed; every answer is printed.
 */
final class LeaderboardRebuildCommand {

    /** The function whose rebuild command this runs. */
    static final String FUNCTION = "CleanupFunction";

    private final PrintStream stdout;
    private final PrintStream stderr;

    LeaderboardRebuildCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Runs the rebuild with {@code function} ({@value #FUNCTION} of a stack); 1 when an invocation fails. */
    int run(Function<byte[], InvocationResult> function, String period, String at) {
        String cursor = "";
        while (true) {
            ObjectNode event = JsonText.MAPPER.createObjectNode();
            event.putObject("rebuildLeaderboards").put("period", period).put("at", at).put("cursor", cursor);
            InvocationResult result = function.apply(JsonText.bytes(event));
            stdout.println(result.payloadText());
            stdout.flush();
            if (!result.succeeded()) {
                stderr.println("mallquest: " + FUNCTION + " failed (" + result.outcome() + ")");
                return 1;
            }
            JsonNode next = JsonText.parse(result.payload(), FUNCTION + "'s answer").path("cursor");
            if (!next.isTextual() || next.asText().isEmpty()) {
                return 0;
            }
            cursor = next.asText();
        }
    }
}
