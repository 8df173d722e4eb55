package com.mallquest.benchmarks.lambda;

import com.mallquest.local.runner.Args;
import com.mallquest.local.runner.UsageError;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code bench lambda} measures: {@code parts} is a subset of cold, warm, artifacts, ceiling; {@code maxContainers}
 * is passed to every side's start-api (empty: start-api's default).
 */
record BenchOptions(int coldRuns, int warm, int warmUp, int clients, int seconds, Optional<Path> before, Set<String> parts,
                    Optional<Integer> maxContainers) {

    /** The options of {@code ./mallquest bench lambda} (its usage text is the runner's); a {@link UsageError} when bad. */
    static BenchOptions parse(List<String> argv) {
        Args args = Args.parse(argv);
        args.allow("cold-runs", "warm", "warm-up", "clients", "seconds", "before", "only", "max-containers");
        BenchOptions options = new BenchOptions(args.integer("cold-runs", 5), args.integer("warm", 300),
                args.integer("warm-up", 200), args.integer("clients", 16), args.integer("seconds", 20),
                args.one("before").map(b -> Path.of(b).toAbsolutePath().normalize()),
                Set.of(args.one("only").orElse("cold,warm,artifacts,ceiling").split(",")),
                args.one("max-containers").map(n -> args.integer("max-containers", 0)));
        if (options.coldRuns() < 1 || options.warm() < 1 || options.clients() < 1 || options.seconds() < 1) {
            throw new UsageError("--cold-runs, --warm, --clients and --seconds must be at least 1");
        }
        if (options.warmUp() < 0) {
            throw new UsageError("--warm-up must be 0 or more");
        }
        return options;
    }
}
