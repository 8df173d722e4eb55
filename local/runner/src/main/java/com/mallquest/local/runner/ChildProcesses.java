package com.mallquest.local.runner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Runs another program for a command ({@code mvn verify}, the web tests, JMH) and returns its exit status. */
@FunctionalInterface
public interface ChildProcesses {

    /** Runs {@code command} in {@code directory} and waits for it; its exit status. */
    int run(List<String> command, Path directory);

    /**
     * A child sharing this process's stdin, stdout, stderr and environment, as a shell runs one; stopped with this
     * JVM (Ctrl-C, a CI timeout's SIGTERM) so no orphan outlives the command.
     */
    ChildProcesses INHERITED_IO = (command, directory) -> {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).inheritIO().start();
        } catch (IOException e) {
            throw new UserError("Cannot run " + command.get(0) + ": " + e.getMessage());
        }
        Thread stop = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }, "mallquest-stop-child");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            return 130;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs
            }
        }
    };
}
