package com.mallquest.local.services;

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

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts {@code masters} nodes (at least 3, Redis Cluster's minimum) and forms a cluster of them. */
    public static RedisCluster start(int masters) {
        if (masters < 3) {
            throw new IllegalArgumentException("a Redis Cluster needs at least 3 masters, asked for " + masters);
        }
        String redisCli = RedisServer.binary("redis-cli", "REDIS_CLI_BIN");
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(RedisServer.launch(false, List.of(
                        "cluster-enabled yes",
                        "cluster-config-file nodes.conf",
                        "cluster-node-timeout 5000",
                        // The bus port defaults to port+10000, which may be taken: pick a free one too.
                        "cluster-port " + RedisServer.freePort())));
            }
            RedisCluster cluster = new RedisCluster(List.copyOf(nodes));
            cluster.create(redisCli);
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::stop);
            throw e;
        }
    }

    /** A node to give a cluster client as its seed: {@code redis://127.0.0.1:<port>}. */
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
    }

    @Override
    public void close() {
        stop();
    }

    private void create(String redisCli) {
        List<String> command = new ArrayList<>(List.of(redisCli, "--cluster", "create"));
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
