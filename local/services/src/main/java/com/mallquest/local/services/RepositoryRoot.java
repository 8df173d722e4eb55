package com.mallquest.local.services;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the MallQuest repository root: the directory that holds {@code template.yaml}.
 *
 * <p>The system property {@code mallquest.repo.root} wins (Surefire sets it for every test); otherwise the
 * working directory and its parents are searched.
 */
public final class RepositoryRoot {
    /** System property naming the repository root. */
    public static final String PROPERTY = "mallquest.repo.root";

    private RepositoryRoot() { }

    /** The repository root, or an {@link IllegalStateException} saying where it looked. */
    public static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Paths.get(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(root.resolve("template.yaml"))) {
                throw new IllegalStateException("System property " + PROPERTY + "=" + configured + " does not name a directory holding template.yaml");
            }
            return root;
        }
        Path start = Paths.get("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No template.yaml in " + start + " or its parents; run from inside the MallQuest repository or set -D" + PROPERTY + "=<dir>");
    }

    /** {@code template.yaml} of the repository. */
    public static Path template() {
        return locate().resolve("template.yaml");
    }
}
