package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.UsageError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code ./mallquest bench lambda}'s options: the defaults the docs quote, and a clear error for a bad one. */
class BenchOptionsTest {

    @Test
    void parse_shouldGiveTheDocumentedDefaults_whenNoOptionIsGiven() {
        // GIVEN no options  WHEN they are read
        BenchOptions options = BenchOptions.parse(List.of());

        // THEN every part with 5 cold runs, 300 warm calls after 200, 16 clients for 20 s, no before, start-api's containers
        assertEquals(new BenchOptions(5, 300, 200, 16, 20, Optional.empty(), Set.of("cold", "warm", "artifacts", "ceiling"),
                Optional.empty()), options);
    }

    @Test
    void parse_shouldReadEveryOption() {
        // GIVEN every option  WHEN they are read
        BenchOptions options = BenchOptions.parse(List.of("--cold-runs", "3", "--warm", "50", "--warm-up", "0", "--clients", "4",
                "--seconds", "5", "--before", "/tmp/before", "--only", "cold,artifacts", "--max-containers", "2"));

        // THEN each is what was given
        assertEquals(new BenchOptions(3, 50, 0, 4, 5, Optional.of(Path.of("/tmp/before")), Set.of("cold", "artifacts"),
                Optional.of(2)), options);
    }

    @Test
    void parse_shouldRefuse_anUnknownOption_aNonNumber_andCountsBelowOne() {
        // GIVEN bad command lines  WHEN they are read  THEN each is a usage error naming the fault
        assertEquals("Unknown option --cold", assertThrows(UsageError.class, () -> BenchOptions.parse(List.of("--cold", "3"))).getMessage());
        assertEquals("--warm must be a whole number, got 'many'",
                assertThrows(UsageError.class, () -> BenchOptions.parse(List.of("--warm", "many"))).getMessage());
        assertEquals("--cold-runs, --warm, --clients and --seconds must be at least 1",
                assertThrows(UsageError.class, () -> BenchOptions.parse(List.of("--clients", "0"))).getMessage());
        assertEquals("--warm-up must be 0 or more",
                assertThrows(UsageError.class, () -> BenchOptions.parse(List.of("--warm-up", "-1"))).getMessage());
    }
}
