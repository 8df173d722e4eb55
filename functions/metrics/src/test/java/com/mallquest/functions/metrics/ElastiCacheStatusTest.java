package com.mallquest.functions.metrics;

import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.operations.fleet.CacheServiceStatus;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ElastiCache status is asked at most once a minute, and never outside AWS. The AWS call itself is the edge: stubbed. */
class ElastiCacheStatusTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };

    @Test
    void current_shouldAskElastiCacheOncePerMinute() {
        // GIVEN a describe call that counts its calls
        AtomicInteger calls = new AtomicInteger();
        ElastiCacheStatus status = new ElastiCacheStatus("mq-cache", name -> {
            calls.incrementAndGet();
            return "available";
        }, clock);

        // WHEN asked three times within a minute, then again after it
        CacheServiceStatus.Report first = status.current();
        now.set(now.get().plusSeconds(30));
        status.current();
        now.set(now.get().plusSeconds(29));
        status.current();
        now.set(now.get().plus(Duration.ofSeconds(2)));
        status.current();

        // THEN ElastiCache was asked twice, and the report carries its status
        assertEquals(2, calls.get());
        assertTrue(first.checked());
        assertEquals("available", first.status());
    }

    @Test
    void current_shouldSayItCouldNotAsk_whenTheCallFails_withoutThrowing() {
        // GIVEN a describe call that fails
        ElastiCacheStatus status = new ElastiCacheStatus("mq-cache", name -> {
            throw SdkClientException.create("no route to elasticache.us-east-1.amazonaws.com");
        }, clock);

        // WHEN asked / THEN a report without status, and no host name in it
        CacheServiceStatus.Report report = status.current();
        assertTrue(report.checked());
        assertNull(report.status());
        assertFalse(report.note().contains("amazonaws"));
    }

    @Test
    void forSettings_shouldNotAsk_locally() {
        // GIVEN local settings: under sam local, or without CACHE_NAME
        Map<String, String> base = Map.of("USERS_TABLE", "u", "RECEIPTS_TABLE", "r", "STORES_TABLE", "s");
        Settings samLocal = Settings.fromEnvironment(with(base, "AWS_SAM_LOCAL", "true", "CACHE_NAME", "mq-cache"));
        Settings noName = Settings.fromEnvironment(base);

        // WHEN / THEN nothing is asked
        assertSame(CacheServiceStatus.NOT_IN_AWS, ElastiCacheStatus.forSettings(samLocal, clock));
        assertSame(CacheServiceStatus.NOT_IN_AWS, ElastiCacheStatus.forSettings(noName, clock));
        assertFalse(CacheServiceStatus.NOT_IN_AWS.current().checked());
        // AND in AWS (a cache name, no SAM) it is the ElastiCache adapter
        Settings aws = Settings.fromEnvironment(with(base, "CACHE_NAME", "mq-cache", "AWS_REGION", "eu-west-1"));
        assertTrue(ElastiCacheStatus.forSettings(aws, clock) instanceof ElastiCacheStatus);
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> out = new java.util.HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }
}
