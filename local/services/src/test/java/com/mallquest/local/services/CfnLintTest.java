package com.mallquest.local.services;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * template.yaml (and edge-web-acl.yaml, the API edge's web ACL) passes cfn-lint (AWS's CloudFormation linter, which expands {@code AWS::LanguageExtensions} and SAM
 * before it checks every resource against CloudFormation's own schemas): no error and no warning. Skipped where
 * cfn-lint is not installed, except in CI ({@code CI=true}), where its absence fails the build.
 */
class CfnLintTest {

    private static final long TIMEOUT_SECONDS = 300;
    private static Path brokenCopy;
    private static Run template;
    private static Run broken;
    private static Run edge;

    @BeforeAll
    static void startBothLints(@TempDir Path dir) throws IOException {
        Optional<Path> cfnLint = locate();
        if (cfnLint.isEmpty() && "true".equals(System.getenv("CI"))) {
            fail("cfn-lint is not installed (CI=true): install it in the build machine's Python (pip install cfn-lint)");
        }
        Assumptions.assumeTrue(cfnLint.isPresent(), "cfn-lint is not installed: template.yaml not linted");
        // the template with a property CloudWatch does not have, inside the throttles alarms' Fn::ForEach
        String text = Files.readString(RepositoryRoot.template());
        String mistake = text.replace("          MetricName: Throttles\n", "          MetricName: Throttles\n          NoSuchProperty: 1\n");
        assertNotEquals(text, mistake, "the throttles loop's MetricName line moved: update this test");
        brokenCopy = Files.writeString(dir.resolve("template.yaml"), mistake);
        // both at once: cfn-lint spends most of its time starting
        template = Run.start(cfnLint.get(), RepositoryRoot.template(), dir.resolve("template.out"));
        broken = Run.start(cfnLint.get(), brokenCopy, dir.resolve("broken.out"));
        edge = Run.start(cfnLint.get(), RepositoryRoot.locate().resolve("edge-web-acl.yaml"), dir.resolve("edge.out"));
    }

    /** cfn-lint on the PATH, else where pyenv or pip --user put it. */
    private static Optional<Path> locate() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "cfn-lint"));
            }
        }
        Path home = Path.of(System.getProperty("user.home"));
        candidates.add(home.resolve(".pyenv/shims/cfn-lint"));
        candidates.add(home.resolve(".local/bin/cfn-lint"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** One cfn-lint process on one template, its output (stdout and stderr) in a file. */
    private record Run(Process process, Path output) {
        static Run start(Path cfnLint, Path template, Path output) throws IOException {
            Process process = new ProcessBuilder(cfnLint.toString(), "--", template.toString())
                    .directory(RepositoryRoot.locate().toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            return new Run(process, output);
        }

        /** Waits for the end: the exit code. */
        int exitCode() throws InterruptedException {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("cfn-lint took more than " + TIMEOUT_SECONDS + " s");
            }
            return process.exitValue();
        }

        String text() throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    static void stopLints() {
        for (Run run : new Run[] {template, broken, edge}) {
            if (run != null) {
                run.process().destroyForcibly();
            }
        }
    }

    @Test
    void template_shouldPassCfnLint_withNoErrorAndNoWarning() throws Exception {
        // GIVEN the project's template.yaml WHEN cfn-lint checks it
        int exitCode = template.exitCode();
        // THEN it exits 0 (cfn-lint exits 2 on an error, 4 on a warning, 8 on an informational finding)
        assertEquals(0, exitCode, "cfn-lint template.yaml exited " + exitCode + ":\n" + template.text());
    }

    @Test
    void edgeWebAcl_shouldPassCfnLint_withNoErrorAndNoWarning() throws Exception {
        // GIVEN edge-web-acl.yaml (the us-east-1 stack of the API edge's rate rules) WHEN cfn-lint checks it
        int exitCode = edge.exitCode();
        // THEN it exits 0
        assertEquals(0, exitCode, "cfn-lint edge-web-acl.yaml exited " + exitCode + ":\n" + edge.text());
    }

    @Test
    void cfnLint_shouldFindAMistakeInsideAnAlarmLoop_soTheCheckAboveCanFail() throws Exception {
        // GIVEN a copy of the template with an unknown property inside the throttles alarms' loop (set up above)
        // WHEN cfn-lint checks the copy
        int exitCode = broken.exitCode();
        // THEN it reports the error (exit code bit 2), naming the property
        assertTrue((exitCode & 2) != 0 && broken.text().contains("NoSuchProperty"),
                "cfn-lint " + brokenCopy + " exited " + exitCode + ":\n" + broken.text());
    }
}
