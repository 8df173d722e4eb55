package com.mallquest.core.platform.cache;

import com.mallquest.core.platform.config.Settings;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * How to reach Redis: the URL ({@code redis://[user:password@]host[:port][/db]} or {@code rediss://…} for TLS),
 * standalone or cluster, the connect/read timeout, and optionally the TLS trust to use instead of the JVM's
 * default (tests with a throwaway certificate; ElastiCache's certificates are publicly trusted).
 *
 * <pre>{@code
 * RedisOptions options = RedisOptions.from(settings);
 * RedisOptions test = new RedisOptions(server.uri(), false, Duration.ofMillis(250), null)
 *         .withTrust(server.tls().sslSocketFactory());
 * }</pre>
 */
public record RedisOptions(URI uri, boolean cluster, Duration timeout, SSLSocketFactory trust) {

    public RedisOptions {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(timeout, "timeout");
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw new IllegalArgumentException("Redis URL must start with redis:// or rediss://, was " + uri);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** {@code REDIS_URL}, {@code REDIS_CLUSTER} and {@code REDIS_TIMEOUT_MS}; the JVM's default trust. */
    public static RedisOptions from(Settings settings) {
        URI uri = settings.redisUrl().orElseThrow(() -> new IllegalArgumentException("REDIS_URL is not set"));
        return new RedisOptions(uri, settings.redisCluster(), settings.redisTimeout(), null);
    }

    /** The same options with TLS trusting the given factory's trust material. */
    public RedisOptions withTrust(SSLSocketFactory factory) {
        return new RedisOptions(uri, cluster, timeout, factory);
    }

    /** True for {@code rediss://}. */
    public boolean tls() {
        return "rediss".equals(uri.getScheme());
    }

    @Override
    public String toString() {
        // never print credentials
        return "RedisOptions[" + uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()
                + (cluster ? " cluster" : "") + " timeout=" + timeout.toMillis() + "ms]";
    }
}
