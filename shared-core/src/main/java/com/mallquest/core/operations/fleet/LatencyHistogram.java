package com.mallquest.core.operations.fleet;

import java.util.Arrays;

/**
 * A latency histogram with fixed bucket boundaries, so that counts recorded by any number of Lambda
 * containers add up by plain addition (a counter per bucket in the shared cache).
 *
 * <p>Bucket {@code i} (0-based) counts latencies in {@code (UPPER_BOUNDS_MS[i-1], UPPER_BOUNDS_MS[i]]}
 * milliseconds; bucket 0 starts at 0 and the last bucket ({@link #OVERFLOW}) counts everything above
 * the largest bound. A percentile is exact to within the width of the bucket it falls in: it is
 * interpolated linearly inside that bucket. In the overflow bucket it is reported as the largest bound
 * (a lower limit).
 *
 * <pre>{@code
 * long[] counts = new long[LatencyHistogram.BUCKETS];
 * counts[LatencyHistogram.bucketOf(42.0)]++;
 * double p99 = LatencyHistogram.percentile(counts, 0.99);
 * }</pre>
 */
public final class LatencyHistogram {

    /** Upper bounds (inclusive) of the buckets, in milliseconds. */
    private static final double[] UPPER_BOUNDS_MS = {
            1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000};

    /** Number of buckets, the overflow bucket included. */
    public static final int BUCKETS = UPPER_BOUNDS_MS.length + 1;

    /** Index of the bucket above the largest bound. */
    public static final int OVERFLOW = BUCKETS - 1;

    private LatencyHistogram() { }

    /** The bucket that counts a latency of {@code millis} (negative values count as 0). */
    public static int bucketOf(double millis) {
        for (int i = 0; i < UPPER_BOUNDS_MS.length; i++) {
            if (millis <= UPPER_BOUNDS_MS[i]) {
                return i;
            }
        }
        return OVERFLOW;
    }

    /** Lower bound (exclusive) of bucket {@code i} in milliseconds. */
    public static double lowerBound(int bucket) {
        return bucket == 0 ? 0 : UPPER_BOUNDS_MS[bucket - 1];
    }

    /** Upper bound (inclusive) of bucket {@code i}; infinity for the overflow bucket. */
    public static double upperBound(int bucket) {
        return bucket >= UPPER_BOUNDS_MS.length ? Double.POSITIVE_INFINITY : UPPER_BOUNDS_MS[bucket];
    }

    /** The upper bounds of the finite buckets, in milliseconds (a copy). */
    public static double[] upperBoundsMillis() {
        return Arrays.copyOf(UPPER_BOUNDS_MS, UPPER_BOUNDS_MS.length);
    }

    /**
     * The {@code quantile} (0 < q <= 1) of the latencies counted in {@code counts}, in milliseconds, or
     * {@code null} when nothing was counted. The rank is {@code ceil(q * total)} (nearest-rank); inside its
     * bucket the value is interpolated linearly between the bucket's bounds.
     */
    public static Double percentile(long[] counts, double quantile) {
        if (counts.length != BUCKETS) {
            throw new IllegalArgumentException("expected " + BUCKETS + " bucket counts, got " + counts.length);
        }
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], was " + quantile);
        }
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(quantile * total);
        long before = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long inBucket = counts[i];
            if (inBucket > 0 && before + inBucket >= rank) {
                if (i == OVERFLOW) {
                    return lowerBound(i);
                }
                double fraction = (double) (rank - before) / inBucket;
                return lowerBound(i) + (upperBound(i) - lowerBound(i)) * fraction;
            }
            before += inBucket;
        }
        return lowerBound(OVERFLOW);
    }
}
