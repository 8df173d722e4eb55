package com.mallquest.local.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The runner's JVM options, kept in {@value #FILE} (one option per line, {@code #} starts a comment), the one place
 * both {@code ./mallquest} and the Java side read them.
 */
public final class RunnerJvmOptions {

    /** The file, relative to the repository root. */
    public static final String FILE = "local/runner/jvm.options";

    private RunnerJvmOptions() { }

    /** The options in {@code root}'s {@value #FILE}, or empty when that checkout has none (one older than the file). */
    public static Optional<List<String>> of(Path root) {
        Path file = root.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(Files.readAllLines(file)));
        } catch (IOException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The options of the file's lines: a comment ({@code #} to the end of the line) and surrounding blanks dropped. */
    static List<String> parse(List<String> lines) {
        return lines.stream()
                .map(line -> line.indexOf('#') < 0 ? line : line.substring(0, line.indexOf('#')))
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();
    }
}
