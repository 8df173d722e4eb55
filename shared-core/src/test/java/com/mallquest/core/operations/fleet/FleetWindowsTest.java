package com.mallquest.core.operations.fleet;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The arithmetic of {@link FleetWindows} on hand-made bucket hashes, no cache involved. Every expected figure is
 * worked out by hand in the comments (nearest rank, linear inside the bucket: see {@link LatencyHistogram}), not by
 * the code under test.
 */
class FleetWindowsTest {

    /** 5 s into the bucket that starts at T. */
    private static final long T = 1_000_000_000L;
    private static final long NOW_MILLIS = (T + 5) * 1000;

    /** Bucket start {@code secondsBack} seconds before T → its hash. */
    private final Map<Long, Map<String, String>> buckets = new HashMap<>();

    private void bucket(long secondsBack, Map<String, String> hash) {
        buckets.put(T - secondsBack, hash);
    }

    private FleetSnapshot sum() {
        return FleetWindows.sum(FleetSnapshot.SCOPE_FLEET, NOW_MILLIS, buckets);
    }

    @Test
    void bucketStarts_shouldBeTheNinetyBucketsOfFifteenMinutes_newestFirst() {
        long[] starts = FleetWindows.bucketStarts(NOW_MILLIS);
        assertEquals(90, starts.length);
        assertEquals(T, starts[0]);
        assertEquals(T - 10, starts[1]);
        assertEquals(T - 890, starts[89]);
        assertEquals("mq:fleet:{t1000000000}", FleetBuckets.key(starts[0]));
    }

    @Test
    void sum_shouldAddEachWindowsBuckets_andNothingOlder() {
        // GIVEN the current bucket: 6 POST /receipts of (5,10] ms totalling 48 ms, one of them a 500; 4 hits, 1 miss
        bucket(0, Map.of("r:POST /receipts|h3", "6", "r:POST /receipts|us", "48000", "r:POST /receipts|5xx", "1",
                "c:hits", "4", "c:misses", "1", "b:CoinsAwarded", "100"));
        // AND the oldest bucket of the minute (T-50): 2 POST /receipts of (30,50] ms totalling 80 ms, one a 404
        bucket(50, Map.of("r:POST /receipts|h6", "2", "r:POST /receipts|us", "80000", "r:POST /receipts|4xx", "1"));
        // AND just outside the minute (T-60): 10 GET /stores of (1,2] ms totalling 15 ms
        bucket(60, Map.of("r:GET /stores|h1", "10", "r:GET /stores|us", "15000", "b:CoinsAwarded", "50"));
        // AND in five minutes, a bucket this version only partly understands: nothing of it counts
        bucket(120, Map.of("r:GET /stores|hx", "1", "r:GET /stores|us", "not a number", "x:unknown", "7", "r:nobar", "3",
                "r:GET /stores|h99", "4"));
        // AND the oldest bucket of fifteen minutes (T-890): 5 GET /stores of [0,1] ms totalling 2.5 ms
        bucket(890, Map.of("r:GET /stores|h0", "5", "r:GET /stores|us", "2500"));
        // AND one bucket older still (T-900), which no window reaches
        bucket(900, Map.of("r:GET /stores|h0", "1000", "b:CoinsAwarded", "1000"));

        // WHEN summed 5 s into the current bucket
        FleetSnapshot s = sum();

        // THEN 1m = 6 buckets covering 55 s: POST /receipts 8 requests, mean (48+80)/8 = 16 ms, 1/8 server and client errors
        WindowFigures receipts1m = s.routes().get("POST /receipts").get("1m");
        assertEquals(55.0, receipts1m.seconds());
        assertEquals(8, receipts1m.requests());
        assertEquals(0.145, receipts1m.requestsPerSecond());  // 8 / 55 = 0.14545
        assertEquals(16.0, receipts1m.averageMs());
        assertEquals(1, receipts1m.serverErrors());
        assertEquals(1, receipts1m.clientErrors());
        assertEquals(0.125, receipts1m.errorRate());
        assertEquals(0.125, receipts1m.clientErrorRate());
        // p50: rank ceil(0.5*8) = 4, the 4th of 6 in (5,10] → 5 + 5*4/6 = 8.333
        assertEquals(8.333, receipts1m.p50Ms());
        // p95: rank ceil(7.6) = 8, the 2nd of 2 in (30,50] → 50; p99: rank ceil(7.92) = 8 → 50
        assertEquals(50.0, receipts1m.p95Ms());
        assertEquals(50.0, receipts1m.p99Ms());
        assertEquals(receipts1m.requests(), s.system().get("1m").requests());
        // AND a route seen only in a longer window lists the minute with zeros
        WindowFigures stores1m = s.routes().get("GET /stores").get("1m");
        assertEquals(0, stores1m.requests());
        assertNull(stores1m.p50Ms());
        assertNull(stores1m.averageMs());
        assertEquals(55.0, stores1m.seconds());
        // AND the cache and business figures of the minute
        assertEquals(new CacheFigures(4, 1, 0.8), s.cache().get("1m"));
        assertEquals(Map.of("CoinsAwarded", 100L), s.business().get("1m"));

        // THEN 5m = 30 buckets covering 295 s: GET /stores 10 requests of (1,2] ms
        WindowFigures stores5m = s.routes().get("GET /stores").get("5m");
        assertEquals(295.0, stores5m.seconds());
        assertEquals(10, stores5m.requests());
        assertEquals(0.034, stores5m.requestsPerSecond()); // 10 / 295 = 0.0339
        assertEquals(1.5, stores5m.averageMs());
        assertEquals(1.5, stores5m.p50Ms());               // rank 5 of 10 in (1,2] → 1 + 5/10
        assertEquals(2.0, stores5m.p99Ms());               // rank ceil(9.9) = 10 → 2
        // AND all routes together: 18 requests, histogram (1,2]:10, (5,10]:6, (30,50]:2
        WindowFigures system5m = s.system().get("5m");
        assertEquals(18, system5m.requests());
        assertEquals(7.944, system5m.averageMs());         // (15 + 48 + 80) / 18 = 7.9444
        assertEquals(1.9, system5m.p50Ms());               // rank 9, the 9th of 10 in (1,2] → 1 + 9/10
        assertEquals(50.0, system5m.p95Ms());              // rank ceil(17.1) = 18, last of (30,50]
        assertEquals(1, system5m.serverErrors());
        assertEquals(0.056, system5m.errorRate());         // 1 / 18 = 0.0556
        assertEquals(Map.of("CoinsAwarded", 150L), s.business().get("5m"));

        // THEN 15m = 90 buckets covering 895 s: GET /stores 15 requests (10 in (1,2], 5 in [0,1]), not the 1000 older ones
        WindowFigures stores15m = s.routes().get("GET /stores").get("15m");
        assertEquals(895.0, stores15m.seconds());
        assertEquals(15, stores15m.requests());
        assertEquals(1.167, stores15m.averageMs());        // (15 + 2.5) / 15 = 1.1667
        assertEquals(1.3, stores15m.p50Ms());              // rank 8: 5 in [0,1], then the 3rd of 10 in (1,2] → 1 + 3/10
        assertEquals(23, s.system().get("15m").requests());
        assertEquals(Map.of("CoinsAwarded", 150L), s.business().get("15m"));
        assertEquals(new CacheFigures(4, 1, 0.8), s.cache().get("15m"));

        // AND every route lists the windows in order; routes are sorted by key; the scope is the reader's
        assertEquals(List.of("GET /stores", "POST /receipts"), List.copyOf(s.routes().keySet()));
        s.routes().values().forEach(perWindow -> assertEquals(List.of("1m", "5m", "15m"), List.copyOf(perWindow.keySet())));
        assertEquals(List.of("1m", "5m", "15m"), List.copyOf(s.system().keySet()));
        assertEquals(FleetSnapshot.SCOPE_FLEET, s.scope());
        assertEquals(NOW_MILLIS, s.at().toEpochMilli());
    }

    @Test
    void sum_shouldAddTheSameBucketFromManyContainers_byPlainAddition() {
        // GIVEN one bucket that 3 containers added to: 97 requests of (10,20] ms and 3 of (150,200] ms
        bucket(10, Map.of("r:GET /users/{userId}|h4", "97", "r:GET /users/{userId}|h10", "3",
                "r:GET /users/{userId}|us", "2000000"));

        // WHEN summed
        WindowFigures minute = sum().routes().get("GET /users/{userId}").get("1m");

        // THEN p95 is rank 95, the 95th of 97 in (10,20] → 10 + 10*95/97 = 19.794; p99 is rank 99, the 2nd of 3 in
        // (150,200] → 150 + 50*2/3 = 183.333; the mean is 2000 ms / 100
        assertEquals(100, minute.requests());
        assertEquals(19.794, minute.p95Ms());
        assertEquals(183.333, minute.p99Ms());
        assertEquals(20.0, minute.averageMs());
    }

    @Test
    void sum_shouldReportTheOverflowBucketAsItsLowerLimit() {
        // GIVEN one request slower than the largest bound
        bucket(0, Map.of("r:GET /metrics|h" + LatencyHistogram.OVERFLOW, "1", "r:GET /metrics|us", "12000000"));
        // WHEN summed / THEN its percentiles are 10 000 ms (a lower limit), its mean exact
        WindowFigures minute = sum().system().get("1m");
        assertEquals(10_000.0, minute.p50Ms());
        assertEquals(10_000.0, minute.p99Ms());
        assertEquals(12_000.0, minute.averageMs());
    }

    @Test
    void sum_shouldGiveZeroFigures_withoutBuckets() {
        // GIVEN no bucket at all / WHEN summed for an instance-scoped reader
        FleetSnapshot s = FleetWindows.sum(FleetSnapshot.SCOPE_INSTANCE, NOW_MILLIS, Map.of());

        // THEN every window is there with zeros, no percentiles, no hit ratio, no business
        assertEquals(FleetSnapshot.SCOPE_INSTANCE, s.scope());
        assertTrue(s.routes().isEmpty());
        for (String window : List.of("1m", "5m", "15m")) {
            WindowFigures w = s.system().get(window);
            assertEquals(0, w.requests());
            assertEquals(0.0, w.requestsPerSecond());
            assertNull(w.p99Ms());
            assertEquals(new CacheFigures(0, 0, null), s.cache().get(window));
            assertEquals(Map.of(), s.business().get(window));
        }
        assertArrayEquals(new double[] {55.0, 295.0, 895.0},
                s.system().values().stream().mapToDouble(WindowFigures::seconds).toArray());
    }
}
