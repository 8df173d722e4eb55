package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.exceptions.JedisException;

/** The cache contract on Redis over TLS ({@code rediss://}, a throwaway certificate trusted by the client). */
class RedisCacheTlsContractTest extends CacheContractTest {
    @RegisterExtension
    static final OwnRedis<RedisServer> server = OwnRedis.standaloneTls();
    private RedisCache redis;

    @Override
    Cache newCache() {
        redis = RedisCache.create(new RedisOptions(server.uri(), false, Duration.ofSeconds(2), null)
                .withTrust(server.server().tls().sslSocketFactory()));
        return redis;
    }

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void tls_shouldBeRequired_andTheCertificateVerified() {
        // GIVEN the TLS server
        // WHEN a client connects without TLS, or with TLS but the JVM's default trust (which does not know the certificate)
        RedisCache plain = RedisCache.create(new RedisOptions(
                java.net.URI.create("redis://127.0.0.1:" + server.server().port()), false, Duration.ofMillis(500), null));
        RedisCache untrusting = RedisCache.create(new RedisOptions(server.uri(), false, Duration.ofMillis(500), null));
        // THEN both fail, while the trusting client works
        assertThrows(JedisException.class, () -> plain.get(key("x")));
        assertThrows(JedisException.class, () -> untrusting.get(key("x")));
        assertEquals(Optional.empty(), cache.get(key("x")));
        plain.close();
        untrusting.close();
    }
}
