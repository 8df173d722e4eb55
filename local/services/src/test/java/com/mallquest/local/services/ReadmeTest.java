package com.mallquest.local.services;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README stays a front door (at most 15 KiB) and the front pages' relative links lead somewhere: every
 * relative link in README.md, CONTRIBUTING.md and the pages of docs/ names a file or directory of the repository.
 */
class ReadmeTest {

    private static final Path ROOT = RepositoryRoot.locate();
    private static final long README_MAX_BYTES = 15 * 1024;
    /** A markdown link or image: {@code [text](target)} or {@code [text](target "title")}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```\\s*$");

    @Test
    void readme_shouldBeAtMost15KiB_whenCommitted() throws IOException {
        // GIVEN the README at the repository root
        Path readme = ROOT.resolve("README.md");
        // WHEN its size is read
        long size = Files.size(readme);
        // THEN it is a front door, not a manual
        assertTrue(size <= README_MAX_BYTES,
                "README.md is " + size + " bytes, more than " + README_MAX_BYTES + ": move the detail into docs/");
    }

    @Test
    void relativeLinks_shouldNameExistingFiles_inTheFrontPagesAndDocs() {
        // GIVEN the README, CONTRIBUTING.md and every page of docs/
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CONTRIBUTING.md"),
                ROOT.resolve("docs/README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).filter(p -> !pages.contains(p)).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // WHEN their relative links are resolved against each page's folder
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            assertTrue(Files.isRegularFile(page), "missing " + ROOT.relativize(page));
            broken.addAll(brokenLinks(page, read(page)));
        }
        // THEN each names a file or folder that exists
        assertEquals(List.of(), broken);
    }

    @Test
    void brokenLinks_shouldFindAMissingTarget_andSkipExternalsAnchorsAndCode() {
        // GIVEN a page in docs/ with a good link, a broken one, an anchor, an external link and a link in a code block
        Path page = ROOT.resolve("docs/README.md");
        String text = String.join("\n",
                "See [the architecture](architecture.md#layers) and [the README](../README.md).",
                "Also [gone](no-such-page.md), ![a picture](screenshots/nothing-here.png).",
                "[up](#top), [AWS](https://aws.amazon.com/), [mail](mailto:someone@example.org)",
                "```",
                "[not a link](inside-a-code-block.md)",
                "```");
        // WHEN its links are checked
        List<String> broken = brokenLinks(page, text);
        // THEN exactly the two missing targets are reported
        assertEquals(List.of("docs/README.md -> no-such-page.md", "docs/README.md -> screenshots/nothing-here.png"), broken);
    }

    private static List<String> brokenLinks(Path page, String text) {
        List<String> broken = new ArrayList<>();
        Matcher m = LINK.matcher(FENCE.matcher(text).replaceAll(""));
        while (m.find()) {
            String target = m.group(1);
            if (target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                continue;
            }
            String file = target.replaceFirst("[#?].*$", "");
            if (!Files.exists(page.getParent().resolve(file).normalize())) {
                broken.add(ROOT.relativize(page) + " -> " + target);
            }
        }
        return broken;
    }

    private static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
