package com.mallquest.core.operations.fleet;

import com.mallquest.core.platform.cache.CacheStats;
import com.mallquest.core.platform.cache.MemoryCache;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link FleetRecorder} writes, read back by {@link FleetReader}, over the in-memory cache with a hand-driven clock
 * (the arithmetic of the windows on its own: {@link FleetWindowsTest}; on real Redis and a Redis cluster: the
 * metrics function's MetricsHandlerTest and ClusterMetricsTest).
 */
class FleetRecorderTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T10:00:05Z"));
    private final Clock clock = new Clock() {
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };
    private final MemoryCache cache = new MemoryCache();
    private final FleetRecorder fleet = new FleetRecorder(cache, clock);
    private final FleetReader reader = new FleetReader(cache, clock);

    private void advance(Duration d) {
        now.set(now.get().plus(d));
    }

    @Test
    void snapshot_shouldCountRequestsPerWindow_asTheyAge() {
        // GIVEN 10 requests now, then 20 requests 3 minutes later, then 30 requests 10 minutes after that
        for (int i = 0; i < 10; i++) {
            fleet.record("GET /users/{userId}", 200, 12, new CacheStats(0, 0));
        }
        advance(Duration.ofMinutes(3));
        for (int i = 0; i < 20; i++) {
            fleet.record("GET /users/{userId}", 200, 12, new CacheStats(0, 0));
        }
        advance(Duration.ofMinutes(10));
        for (int i = 0; i < 30; i++) {
            fleet.record("POST /receipts", 201, 40, new CacheStats(0, 0));
        }

        // WHEN read
        FleetSnapshot s = reader.snapshot();

        // THEN 1m holds the last 30, 5m the same, 15m all 60; routes are split
        assertEquals(30, s.system().get("1m").requests());
        assertEquals(30, s.system().get("5m").requests());
        assertEquals(60, s.system().get("15m").requests());
        assertEquals(30, s.routes().get("GET /users/{userId}").get("15m").requests());
        assertEquals(0, s.routes().get("GET /users/{userId}").get("1m").requests());
        assertEquals(30, s.routes().get("POST /receipts").get("1m").requests());

        // AND WHEN 16 minutes pass without traffic THEN nothing is left in any window
        advance(Duration.ofMinutes(16));
        assertEquals(0, reader.snapshot().system().get("15m").requests());
    }

    @Test
    void snapshot_shouldReportRateAverageAndErrors() {
        // GIVEN 8 requests of 10 ms (one 404) and 2 of 30 ms (one 500) in the current bucket, 5 s into it
        for (int i = 0; i < 8; i++) {
            fleet.record("GET /stores", i == 0 ? 404 : 200, 10, new CacheStats(1, 0));
        }
        fleet.record("GET /stores", 500, 30, new CacheStats(0, 1));
        fleet.record("GET /stores", 200, 30, new CacheStats(0, 1));

        // WHEN read
        WindowFigures minute = reader.snapshot().system().get("1m");

        // THEN the window covers 55 s (5 earlier buckets + 5 s), the mean is exact, the error rates split 4xx/5xx
        assertEquals(55.0, minute.seconds());
        assertEquals(10, minute.requests());
        assertEquals(FleetWindows.round(10 / 55.0), minute.requestsPerSecond());
        assertEquals(14.0, minute.averageMs());
        assertEquals(0.1, minute.errorRate());
        assertEquals(0.1, minute.clientErrorRate());
        assertEquals(1, minute.serverErrors());
        assertTrue(minute.p50Ms() > 5 && minute.p50Ms() <= 10, "p50 " + minute.p50Ms());
        assertTrue(minute.p99Ms() > 20 && minute.p99Ms() <= 30, "p99 " + minute.p99Ms());
        // AND the cache figures add up: 8 hits, 2 misses
        CacheFigures cacheMinute = reader.snapshot().cache().get("1m");
        assertEquals(8, cacheMinute.hits());
        assertEquals(2, cacheMinute.misses());
        assertEquals(0.8, cacheMinute.hitRatio());
    }

    @Test
    void business_shouldSumPerWindow_andRefuseBadNames() {
        // GIVEN business counters recorded 2 minutes apart
        fleet.business(FleetRecorder.RECEIPTS_CREDITED, 1);
        fleet.business(FleetRecorder.COINS_AWARDED, 150);
        advance(Duration.ofMinutes(2));
        fleet.business(FleetRecorder.RECEIPTS_CREDITED, 2);
        fleet.business(FleetRecorder.COINS_AWARDED, 30);

        // WHEN read
        FleetSnapshot s = reader.snapshot();

        // THEN the minute has the latest, five minutes both
        assertEquals(2L, s.business().get("1m").get(FleetRecorder.RECEIPTS_CREDITED));
        assertEquals(3L, s.business().get("5m").get(FleetRecorder.RECEIPTS_CREDITED));
        assertEquals(180L, s.business().get("15m").get(FleetRecorder.COINS_AWARDED));
        assertThrows(IllegalArgumentException.class, () -> fleet.business("coins awarded", 1));
    }

    @Test
    void business_shouldWaitForTheRequestsRecord_insideARequest_andBeDroppedWithAnUnrecordedOne() {
        // GIVEN a request in progress that counts a credited receipt
        fleet.beginRequest();
        fleet.business(FleetRecorder.RECEIPTS_CREDITED, 1);
        fleet.business(FleetRecorder.COINS_AWARDED, 40);
        fleet.business(FleetRecorder.COINS_AWARDED, 2);
        // THEN nothing is written yet
        assertNull(reader.snapshot().business().get("1m").get(FleetRecorder.RECEIPTS_CREDITED));
        // WHEN the request is recorded
        fleet.record("POST /receipts", 201, 12.0, null);
        // THEN its figures and its business figures are in the bucket together
        FleetSnapshot s = reader.snapshot();
        assertEquals(1L, s.business().get("1m").get(FleetRecorder.RECEIPTS_CREDITED));
        assertEquals(42L, s.business().get("1m").get(FleetRecorder.COINS_AWARDED));
        assertEquals(1, s.routes().get("POST /receipts").get("1m").requests());
        // AND after the request a figure is written at once again
        fleet.business(FleetRecorder.RECEIPTS_CREDITED, 1);
        assertEquals(2L, reader.snapshot().business().get("1m").get(FleetRecorder.RECEIPTS_CREDITED));
        // AND a request that ends unrecorded (SnapStart priming) leaves nothing behind
        fleet.beginRequest();
        fleet.business(FleetRecorder.RECEIPTS_CREDITED, 5);
        fleet.endRequest();
        fleet.business(FleetRecorder.RECEIPTS_CREDITED, 1);
        assertEquals(3L, reader.snapshot().business().get("1m").get(FleetRecorder.RECEIPTS_CREDITED));
    }

    @Test
    void snapshot_shouldSayInstance_whenTheCacheIsInMemory() {
        // GIVEN the in-memory cache (no Redis) / WHEN read / THEN the scope says the figures are this instance's
        FleetSnapshot s = reader.snapshot();
        assertEquals(FleetSnapshot.SCOPE_INSTANCE, s.scope());
        assertNull(s.system().get("1m").p50Ms());
    }
}
