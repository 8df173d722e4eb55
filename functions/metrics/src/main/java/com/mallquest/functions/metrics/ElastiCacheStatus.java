package com.mallquest.functions.metrics;

import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.operations.fleet.CacheServiceStatus;
import com.mallquest.logging.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticache.model.DescribeServerlessCachesRequest;
import software.amazon.awssdk.services.elasticache.model.ServerlessCache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * ElastiCache's own status of the serverless cache ({@code DescribeServerlessCaches}), remembered for a
 * minute so that {@code GET /metrics} never drives the control-plane API. Outside AWS ({@code AWS_SAM_LOCAL}
 * set, or no {@code CACHE_NAME}) nothing is asked. The client is built on first use, so {@code GET /health}
 * never pays for it.
 */
final class ElastiCacheStatus implements CacheServiceStatus {
    private static final Log LOG = Log.of(ElastiCacheStatus.class);

    static final Duration REMEMBER_FOR = Duration.ofMinutes(1);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

    private final String cacheName;
    private final Function<String, String> describe;
    private final Clock clock;
    private Report remembered;
    private Instant rememberedUntil = Instant.MIN;

    /**
     * @param describe asks ElastiCache for the status word of the named cache (null when the cache is not found)
     */
    ElastiCacheStatus(String cacheName, Function<String, String> describe, Clock clock) {
        this.cacheName = cacheName;
        this.describe = describe;
        this.clock = clock;
    }

    /** The status source for this container: ElastiCache in AWS, {@link CacheServiceStatus#NOT_IN_AWS} elsewhere. */
    static CacheServiceStatus forSettings(Settings settings, Clock clock) {
        if (settings.samLocal() || settings.cacheName().isEmpty()) {
            return NOT_IN_AWS;
        }
        Region region = Region.of(settings.region());
        return new ElastiCacheStatus(settings.cacheName().get(), new Describer(region), clock);
    }

    @Override
    public synchronized Report current() {
        Instant now = clock.instant();
        if (remembered != null && now.isBefore(rememberedUntil)) {
            return remembered;
        }
        try {
            String status = describe.apply(cacheName);
            remembered = status == null
                    ? new Report(true, null, now, "the cache was not found")
                    : new Report(true, status, now, null);
        } catch (SdkException e) {
            LOG.warn("metrics: DescribeServerlessCaches failed", e);
            remembered = new Report(true, null, now, "ElastiCache could not be asked");
        }
        rememberedUntil = now.plus(REMEMBER_FOR);
        return remembered;
    }

    /** Calls {@code DescribeServerlessCaches} with a lazily built client (URLConnection HTTP client). */
    private static final class Describer implements Function<String, String> {
        private final Region region;
        private ElastiCacheClient client;

        Describer(Region region) {
            this.region = region;
        }

        @Override
        public String apply(String name) {
            if (client == null) {
                client = ElastiCacheClient.builder()
                        .region(region)
                        .httpClient(ApacheHttpClient.builder()
                                .connectionTimeout(Duration.ofSeconds(1))
                                .socketTimeout(CALL_TIMEOUT)
                                .build())
                        .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT))
                        .build();
            }
            return client.describeServerlessCaches(DescribeServerlessCachesRequest.builder().serverlessCacheName(name).build())
                    .serverlessCaches().stream()
                    .filter(c -> name.equals(c.serverlessCacheName()))
                    .map(ServerlessCache::status)
                    .findFirst()
                    .orElse(null);
        }
    }
}
