package com.mallquest.core.operations.fleet;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {

    @Test
    void bucketOf_shouldPutBoundsInTheLowerBucket_andHugeValuesInOverflow() {
        // GIVEN the fixed bounds 1, 2, 5, ... 10000 ms
        // WHEN / THEN an upper bound belongs to its own bucket, just above it to the next
        assertEquals(0, LatencyHistogram.bucketOf(0.2));
        assertEquals(0, LatencyHistogram.bucketOf(1.0));
        assertEquals(1, LatencyHistogram.bucketOf(1.0001));
        assertEquals(LatencyHistogram.bucketOf(100), LatencyHistogram.bucketOf(75.5));
        assertEquals(LatencyHistogram.OVERFLOW, LatencyHistogram.bucketOf(10_000.1));
        assertEquals(0, LatencyHistogram.bucketOf(-3));
    }

    @Test
    void percentile_shouldLandInTheBucketOfTheExactValue_forAKnownDistribution() {
        // GIVEN 98 requests at 8 ms, one at 120 ms and one at 2500 ms
        long[] counts = new long[LatencyHistogram.BUCKETS];
        counts[LatencyHistogram.bucketOf(8)] += 98;
        counts[LatencyHistogram.bucketOf(120)] += 1;
        counts[LatencyHistogram.bucketOf(2500)] += 1;

        // WHEN the percentiles are read
        double p50 = LatencyHistogram.percentile(counts, 0.50);
        double p95 = LatencyHistogram.percentile(counts, 0.95);
        double p99 = LatencyHistogram.percentile(counts, 0.99);
        double p100 = LatencyHistogram.percentile(counts, 1.0);

        // THEN each lies in the bucket of the exact nearest-rank value: (5,10], (5,10], (100,150], (2000,3000]
        assertTrue(p50 > 5 && p50 <= 10, "p50 " + p50);
        assertTrue(p95 > 5 && p95 <= 10, "p95 " + p95);
        assertTrue(p99 > 100 && p99 <= 150, "p99 " + p99);
        assertTrue(p100 > 2000 && p100 <= 3000, "p100 " + p100);
    }

    @Test
    void percentile_shouldBeWithinOneBucketWidth_forRandomLatencies() {
        // GIVEN 20 000 log-normally distributed latencies (median ~40 ms, long tail)
        Random random = new Random(42);
        List<Double> values = new ArrayList<>();
        long[] counts = new long[LatencyHistogram.BUCKETS];
        for (int i = 0; i < 20_000; i++) {
            double v = Math.exp(Math.log(40) + random.nextGaussian());
            values.add(v);
            counts[LatencyHistogram.bucketOf(v)]++;
        }
        Collections.sort(values);
        for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
            // WHEN the percentile is read from the histogram
            double estimate = LatencyHistogram.percentile(counts, q);
            // THEN it lies within the bucket holding the exact nearest-rank value
            double exact = values.get((int) Math.ceil(q * values.size()) - 1);
            int bucket = LatencyHistogram.bucketOf(exact);
            assertTrue(estimate >= LatencyHistogram.lowerBound(bucket) && estimate <= LatencyHistogram.upperBound(bucket),
                    "q=" + q + " exact=" + exact + " estimate=" + estimate);
        }
    }

    @Test
    void percentile_shouldBeNull_whenNothingWasCounted_andRejectBadInput() {
        // GIVEN an empty histogram / WHEN read / THEN null; malformed arguments are refused
        assertNull(LatencyHistogram.percentile(new long[LatencyHistogram.BUCKETS], 0.5));
        assertThrows(IllegalArgumentException.class, () -> LatencyHistogram.percentile(new long[3], 0.5));
        assertThrows(IllegalArgumentException.class, () -> LatencyHistogram.percentile(new long[LatencyHistogram.BUCKETS], 0));
    }

    @Test
    void percentile_shouldReportTheLargestBound_inTheOverflowBucket() {
        // GIVEN every request slower than the largest bound
        long[] counts = new long[LatencyHistogram.BUCKETS];
        counts[LatencyHistogram.OVERFLOW] = 5;
        // WHEN / THEN the percentile is the lower limit 10 s
        assertEquals(10_000.0, LatencyHistogram.percentile(counts, 0.99));
    }
}
