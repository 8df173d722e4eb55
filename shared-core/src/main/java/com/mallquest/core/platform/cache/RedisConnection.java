package com.mallquest.core.platform.cache;

import com.mallquest.logging.Log;

import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.Pool;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;

/**
 * Owns the Jedis client of one container: a {@link RedisClient} (standalone, plain or TLS) or a
 * {@link RedisClusterClient}, built lazily on first use so that a container starts even while Redis is down.
 *
 * <p>Sized for Lambda (one invocation at a time): a pool of at most 4 connections, no idle connections kept
 * warm, no JMX, and every wait bounded by the configured timeout (connect, read and pool borrow).
 *
 * <p>SnapStart: registered as a CRaC {@link Resource}; the client and its sockets are closed before the
 * checkpoint and built again on the first call after restore (a socket in a snapshot is dead).
 */
final class RedisConnection implements Resource, AutoCloseable {
    private static final Log LOG = Log.of(RedisConnection.class);

    private static final int POOL_SIZE = 4;
    /** Cluster: one retry after a MOVED/ASK or a failed node, then give up (the fallback takes over). */
    private static final int CLUSTER_MAX_ATTEMPTS = 2;

    /** Threads that sync a cluster pipeline's nodes in parallel (more nodes than this wait their turn). */
    private static final int PIPELINE_THREADS = 3;

    private final RedisOptions options;
    private volatile UnifiedJedis client;
    private volatile ExecutorService pipelineThreads;

    RedisConnection(RedisOptions options) {
        this.options = options;
        Core.getGlobalContext().register(this);
    }

    RedisOptions options() {
        return options;
    }

    /** The client, created on first use; throws when it cannot be created (cluster: no seed node answers). */
    UnifiedJedis client() {
        UnifiedJedis current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = create();
                }
                current = client;
            }
        }
        return current;
    }

    /**
     * A pipeline over the client: for a cluster, one connection per node the commands go to, the nodes synced in
     * parallel on this container's {@value #PIPELINE_THREADS} pipeline threads (Jedis would otherwise start new
     * threads for every multi-node sync).
     */
    AbstractPipeline pipeline() {
        UnifiedJedis current = client();
        if (current instanceof RedisClusterClient cluster) {
            return cluster.pipelined(pipelineThreads());
        }
        return current.pipelined();
    }

    private ExecutorService pipelineThreads() {
        ExecutorService threads = pipelineThreads;
        if (threads == null) {
            synchronized (this) {
                if (pipelineThreads == null) {
                    pipelineThreads = Executors.newFixedThreadPool(PIPELINE_THREADS, task -> {
                        Thread thread = new Thread(task, "redis-pipeline");
                        thread.setDaemon(true);
                        return thread;
                    });
                }
                threads = pipelineThreads;
            }
        }
        return threads;
    }

    /** Connection pools of the master nodes: the one server, or every master of the cluster. */
    List<Pool<Connection>> nodePools() {
        UnifiedJedis current = client();
        if (current instanceof RedisClusterClient cluster) {
            return List.copyOf(cluster.getClusterNodes().values());
        }
        return List.of(((RedisClient) current).getPool());
    }

    /** Closes the client; the next call builds a new one. */
    @Override
    public synchronized void close() {
        UnifiedJedis current = client;
        client = null;
        if (current != null) {
            try {
                current.close();
            } catch (RuntimeException e) {
                LOG.warn("cache: closing the Redis client failed", e);
            }
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        close();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing: client() builds a fresh client on the first call
    }

    private UnifiedJedis create() {
        URI uri = options.uri();
        int timeoutMillis = (int) Math.max(1, options.timeout().toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                // saves a round trip per new connection
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            if (parts.length == 2) {
                if (!parts[0].isEmpty()) {
                    config.user(decode(parts[0]));
                }
                config.password(decode(parts[1]));
            } else {
                config.password(decode(parts[0]));
            }
        }
        if (options.tls()) {
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // verify the host name, not only the chain
            config.ssl(true)
                    .sslSocketFactory(options.trust() != null ? options.trust() : (SSLSocketFactory) SSLSocketFactory.getDefault())
                    .sslParameters(parameters);
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        pool.setMinIdle(0);
        pool.setMaxWait(options.timeout());
        pool.setJmxEnabled(false);
        HostAndPort address = new HostAndPort(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379);
        if (options.cluster()) {
            return RedisClusterClient.builder()
                    .nodes(Set.of(address))
                    .clientConfig(config.build())
                    .poolConfig(pool)
                    .maxAttempts(CLUSTER_MAX_ATTEMPTS)
                    .maxTotalRetriesDuration(options.timeout().multipliedBy(CLUSTER_MAX_ATTEMPTS + 1L))
                    .build();
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        return RedisClient.builder()
                .hostAndPort(address)
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
