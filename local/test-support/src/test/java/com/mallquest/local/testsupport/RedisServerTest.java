package com.mallquest.local.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    @Test
    void start_shouldServeOnLoopbackWithoutPersistence_andStopDeletesItsDirectory() throws IOException {
        // GIVEN a started server
        RedisServer redis = RedisServer.start();
        try {
            // THEN it answers on its URI's port and keeps nothing on disk
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.uri().toString());
            assertEquals("PONG", redis.command("PING"));
            assertEquals("OK", redis.command("SET", "k", "v"));
            assertEquals("", configValue(redis, "save"));
            assertEquals("no", configValue(redis, "appendonly"));
        } finally {
            // WHEN it is stopped
            redis.stop();
        }
        // THEN the port is closed and its directory is gone
        assertFalse(RespProbe.ping(redis.port(), null));
        assertFalse(Files.exists(redis.directory()));
    }

    @Test
    void restart_shouldServeOnTheSamePort_afterKill() throws IOException {
        // GIVEN a server holding a key
        try (RedisServer redis = RedisServer.start()) {
            redis.command("SET", "k", "v");
            int port = redis.port();

            // WHEN it is killed
            redis.kill();

            // THEN nothing answers on its port
            assertFalse(redis.isRunning());
            assertFalse(RespProbe.ping(port, null));

            // WHEN it is restarted
            redis.restart();

            // THEN it answers on the same port, empty (no persistence)
            assertEquals(port, redis.port());
            assertTrue(RespProbe.ping(port, null));
            assertEquals(null, redis.command("GET", "k"));
        }
    }

    @Test
    void startTls_shouldAcceptOnlyTlsClientsTrustingItsCertificate() {
        // GIVEN a TLS server
        try (RedisServer redis = RedisServer.startTls()) {
            // THEN its URI is rediss:// and a client trusting its certificate gets PONG
            assertEquals("rediss", redis.uri().getScheme());
            assertTrue(RespProbe.ping(redis.port(), redis.tls().sslContext()));
            // AND a plain-text client gets nothing
            assertFalse(RespProbe.ping(redis.port(), null));
            // AND the trust store holds the certificate
            assertTrue(Files.exists(redis.tls().certificate()));
        }
    }

    @Test
    void shared_shouldBeOneServerPerJvm() {
        // WHEN shared() is called twice
        // THEN both calls return the same running server
        assertSame(RedisServer.shared(), RedisServer.shared());
        assertTrue(RedisServer.shared().isRunning());
    }

    @Test
    void tls_shouldThrow_forAPlainServer() {
        assertThrows(IllegalStateException.class, () -> RedisServer.shared().tls());
    }

    @Test
    void clusterStart_shouldFormAClusterOfThreeMastersCoveringEverySlot() throws IOException {
        // GIVEN a 3-node cluster
        try (RedisCluster cluster = RedisCluster.start(3)) {
            // THEN every node sees 3 known nodes, all 16384 slots assigned, state ok
            for (RedisServer node : cluster.nodes()) {
                String info = node.command("CLUSTER", "INFO");
                assertTrue(info.contains("cluster_state:ok"), info);
                assertTrue(info.contains("cluster_known_nodes:3"), info);
                assertTrue(info.contains("cluster_slots_assigned:16384"), info);
            }
            assertEquals(cluster.nodes().get(0).uri(), cluster.seedUri());
        }
    }

    @Test
    void clusterStartTls_shouldFormAClusterThatSpeaksTlsOnly() throws IOException {
        // GIVEN a 3-node TLS cluster
        try (RedisCluster cluster = RedisCluster.startTls(3)) {
            // THEN every node answers TLS clients trusting the shared certificate, with the cluster ok, and refuses plain text
            assertEquals("rediss", cluster.seedUri().getScheme());
            for (RedisServer node : cluster.nodes()) {
                String info = RespProbe.call(node.port(), cluster.tls().sslContext(), "CLUSTER", "INFO");
                assertTrue(info.contains("cluster_state:ok"), info);
                assertTrue(info.contains("cluster_known_nodes:3"), info);
                assertFalse(RespProbe.ping(node.port(), null));
            }
        }
    }

    private static String configValue(RedisServer redis, String name) throws IOException {
        // CONFIG GET answers [name, value]
        return redis.command("CONFIG", "GET", name).split("\n", -1)[1];
    }
}
