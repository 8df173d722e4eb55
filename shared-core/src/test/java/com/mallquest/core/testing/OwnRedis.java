package com.mallquest.core.testing;

import com.mallquest.local.testsupport.RedisCluster;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A Redis of the test's own (not {@link RedisServer#shared()}: no other test's keys in it), as a JUnit extension.
 * In a {@code static} {@code @RegisterExtension} field it runs for the whole class (started before all tests,
 * stopped after); in an instance field each test gets a fresh one, stopped after the test.
 *
 * @param <S> the server: {@link RedisServer} or {@link RedisCluster}
 */
public final class OwnRedis<S extends AutoCloseable>
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Supplier<S> start;
    private final Function<S, URI> uri;
    private final boolean cluster;
    private boolean perClass;
    private S server;

    private OwnRedis(Supplier<S> start, Function<S, URI> uri, boolean cluster) {
        this.start = start;
        this.uri = uri;
        this.cluster = cluster;
    }

    /** A standalone redis-server on a free port. */
    public static OwnRedis<RedisServer> standalone() {
        return new OwnRedis<>(RedisServer::start, RedisServer::uri, false);
    }

    /** A standalone redis-server speaking TLS only (throwaway certificate). */
    public static OwnRedis<RedisServer> standaloneTls() {
        return new OwnRedis<>(RedisServer::startTls, RedisServer::uri, false);
    }

    /** A Redis Cluster of {@code masters} masters on loopback. */
    public static OwnRedis<RedisCluster> cluster(int masters) {
        return new OwnRedis<>(() -> RedisCluster.start(masters), RedisCluster::seedUri, true);
    }

    /** A Redis Cluster of {@code masters} masters speaking TLS only. */
    public static OwnRedis<RedisCluster> clusterTls(int masters) {
        return new OwnRedis<>(() -> RedisCluster.startTls(masters), RedisCluster::seedUri, true);
    }

    /** The running server (or cluster). */
    public S server() {
        if (server == null) {
            throw new IllegalStateException("not started: register OwnRedis with @RegisterExtension");
        }
        return server;
    }

    /** The URI clients connect to (a cluster's seed node). */
    public URI uri() {
        return uri.apply(server());
    }

    /**
     * The settings of a {@link TestStack} (fresh tables) plus {@code REDIS_URL} of this Redis, and
     * {@code REDIS_CLUSTER=true} for a cluster; mutable, for a test's own additions. For a test of a container's
     * own wiring ({@code Platform.fromEnvironment}).
     */
    public Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(TestStack.empty("test", Instant.now(), Map.of()).env);
        environment.put("REDIS_URL", uri().toString());
        if (cluster) {
            environment.put("REDIS_CLUSTER", "true");
        }
        return environment;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        server = start.get();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            server = start.get();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            stop();
        }
    }

    private void stop() throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
