package com.mallquest.local.runner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** One run of the command line ({@link Main#run}) in this JVM, with its exit status and captured output. */
record CommandRun(int status, String stdout, String stderr) {

    static CommandRun withStdin(Map<String, String> shell, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(shell, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static CommandRun of(Map<String, String> shell, String... args) {
        return withStdin(shell, "", args);
    }

    /** stderr's non-empty lines. */
    List<String> errorLines() {
        return Arrays.stream(stderr.split("\\R")).filter(l -> !l.isBlank()).toList();
    }
}
