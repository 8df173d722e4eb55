package com.mallquest.benchmarks;

import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.domain.users.UserView;
import com.mallquest.core.domain.users.UserViewService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Claim: a user-view cache hit (rate-limit INCR, cache GET, one consistent GetItem of the profile's version)
 * is cheaper than building the view (the same plus the account GetItem, the activity Query and a cache SET),
 * on moto_server and a real redis-server. {@code baseline-miss} deletes the cached view before every read;
 * {@code hit} reads a warm one. Local servers, so the ratio is indicative, not DynamoDB's latency.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class UserViewBenchmark {

    /** {@code baseline-miss}: every read builds the view; {@code hit}: every read is served from the cache. */
    @Param({"hit", "baseline-miss"})
    public String variant;

    private Platform core;
    private UserViewService users;
    private final String userId = "bench-" + UUID.randomUUID();
    private final Caller caller = new Caller(userId, Set.of());

    @Setup
    public void setUp() {
        Map<String, String> env = BenchmarkBackends.environment();
        env.put("USER_READ_RATE_LIMIT", "1000000/1s");
        core = Platform.fromEnvironment(env);
        Services services = new Services(core);
        Ledger ledger = services.ledger();
        for (int i = 0; i < 20; i++) {
            ledger.credit(new Credit(userId, "bench:" + i, 10, 5, CreditKind.RECEIPT, Map.of("storeId", "bench")));
        }
        users = services.users();
        users.view(caller, userId);
    }

    @Benchmark
    public UserView view() {
        if (variant.equals("baseline-miss")) {
            core.cache().delete(CacheKeys.userView(userId));
        }
        return users.view(caller, userId);
    }
}
