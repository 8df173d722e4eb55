package com.mallquest.local.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code test} and {@code test-web}: every test of the repository ({@code mvn verify}, then the web app's unit tests
 * and its browser tests in headless Chromium against start-api), each a child process whose exit status is the
 * command's. {@code ./mallquest} has installed the tools first (redis-server, Chromium, the web packages; moto_server must be installed).
 */
final class RepositoryTests {

    /** The launcher's stamp: main sources newer than it make {@code ./mallquest} build again. */
    static final String BUILD_STAMP = ".mallquest/build.stamp";

    private final Path root;
    private final ChildProcesses children;

    RepositoryTests(Path root, ChildProcesses children) {
        this.root = root;
        this.children = children;
    }

    /**
     * {@code mvn verify [mavenArgs]}, then the web tests when it passed. A whole {@code mvn verify} (no arguments)
     * built every artifact, so it advances the build stamp to its start: the start-api of the browser tests need not
     * build again, and a source edited during the build stays newer than the stamp.
     */
    int all(List<String> mavenArgs) {
        Path next = root.resolve(BUILD_STAMP + ".next");
        touch(next);
        List<String> mvn = new ArrayList<>(List.of("mvn", "verify"));
        mvn.addAll(mavenArgs);
        int status = children.run(mvn, root);
        if (status != 0) {
            return status;
        }
        if (mavenArgs.isEmpty()) {
            move(next, root.resolve(BUILD_STAMP));
        }
        return web(List.of());
    }

    /** The web app's unit tests ({@code node --test test/unit/}, exit 1 when one fails), then its browser tests. */
    int web(List<String> names) {
        Path web = root.resolve("web");
        if (children.run(List.of("node", "--test", "test/unit/"), web) != 0) {
            return 1;
        }
        List<String> browser = new ArrayList<>(List.of("node", "test/browser/run.mjs"));
        browser.addAll(names);
        return children.run(browser, web);
    }

    private static void touch(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            } else {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UserError("Cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UserError("Cannot write " + to + ": " + e.getMessage());
        }
    }
}
