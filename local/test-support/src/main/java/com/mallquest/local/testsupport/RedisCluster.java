package com.mallquest.local.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of master nodes on loopback (no replicas), each a {@link RedisServer} with
 * {@code cluster-enabled yes}, joined with {@code redis-cli --cluster create … --cluster-yes}.
 * {@link #start(int)} returns once every node reports {@code cluster_state:ok}.
 *
 * <pre>{@code
 * RedisCluster cluster = RedisCluster.start(3);
 * URI seed = cluster.seedUri();           // redis://127.0.0.1:<port of node 0>
 * cluster.stop();
 * }</pre>
 */
public final class RedisCluster implements AutoCloseable {
    private final List<RedisServer> nodes;
    private final TlsMaterial tls;
    private final Path tlsDir;

    private RedisCluster(List<RedisServer> nodes, TlsMaterial tls, Path tlsDir) {
        this.nodes = nodes;
        this.tls = tls;
        this.tlsDir = tlsDir;
    }

    /** Starts {@code masters} nodes (at least 3, Redis Cluster's minimum) and forms a cluster of them. */
    public static RedisCluster start(int masters) {
        return start(masters, false);
    }

    /**
     * A cluster that speaks TLS only, to clients and between nodes ({@code tls-cluster yes}), as ElastiCache
     * Serverless does; every node serves the same throwaway certificate ({@link #tls()}), and
     * {@link #seedUri()} is {@code rediss://}.
     */
    public static RedisCluster startTls(int masters) {
        return start(masters, true);
    }

    private static RedisCluster start(int masters, boolean useTls) {
        if (masters < 3) {
            throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters, asked for " + masters);
        }
        String redisCli = RedisServer.binary("redis-cli", "REDIS_CLI_BIN");
        List<RedisServer> nodes = new ArrayList<>();
        Path tlsDir = null;
        try {
            TlsMaterial tls = null;
            if (useTls) {
                tlsDir = Files.createTempDirectory("mallquest-redis-cluster-tls-");
                tls = TlsMaterial.create(tlsDir);
            }
            TlsMaterial shared = tls;
            for (int i = 0; i < masters; i++) {
                List<String> config = new ArrayList<>(List.of(
                        "cluster-enabled yes",
                        "cluster-config-file nodes.conf",
                        "cluster-node-timeout 5000",
                        // The bus port defaults to port+10000, which may be taken: pick a free one too.
                        "cluster-port " + RedisServer.freePort()));
                if (useTls) {
                    config.add("tls-cluster yes");
                }
                nodes.add(RedisServer.launch(useTls ? dir -> shared : null, config));
            }
            RedisCluster cluster = new RedisCluster(List.copyOf(nodes), tls, tlsDir);
            cluster.create(redisCli);
            cluster.awaitOk();
            return cluster;
        } catch (IOException e) {
            nodes.forEach(RedisServer::stop);
            RedisServer.deleteTree(tlsDir);
            throw new IllegalStateException("could not make the cluster's certificate: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::stop);
            RedisServer.deleteTree(tlsDir);
            throw e;
        }
    }

    /** The certificate every node serves and its trust material; throws for a plain cluster. */
    public TlsMaterial tls() {
        if (tls == null) {
            throw new IllegalStateException("not a TLS cluster: use RedisCluster.startTls(n)");
        }
        return tls;
    }

    /** A node to give a cluster client as its seed: {@code redis://127.0.0.1:<port>} ({@code rediss://} for TLS). */
    public URI seedUri() {
        return nodes.get(0).uri();
    }

    /** The nodes, in creation order. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** Stops every node and deletes their directories. */
    public void stop() {
        nodes.forEach(RedisServer::stop);
        RedisServer.deleteTree(tlsDir);
    }

    @Override
    public void close() {
        stop();
    }

    private void create(String redisCli) {
        List<String> command = new ArrayList<>(List.of(redisCli));
        if (tls != null) {
            command.addAll(List.of("--tls", "--cacert", tls.certificate().toString()));
        }
        command.addAll(List.of("--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
        command.add("--cluster-replicas");
        command.add("0");
        command.add("--cluster-yes");
        try {
            Path log = Files.createTempFile("mallquest-cluster-create-", ".log");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("redis-cli --cluster create did not finish in 60 s:\n" + Files.readString(log));
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("redis-cli --cluster create failed (exit " + p.exitValue() + "):\n"
                            + Files.readString(log));
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster", e);
        }
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean allOk = true;
            for (RedisServer node : nodes) {
                try {
                    last = node.command("CLUSTER", "INFO");
                    if (!last.contains("cluster_state:ok")) {
                        allOk = false;
                        break;
                    }
                } catch (IOException e) {
                    allOk = false;
                    last = e.toString();
                    break;
                }
            }
            if (allOk) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("the cluster did not reach cluster_state:ok within 30 s; last CLUSTER INFO:\n" + last);
    }
}
