package com.mallquest.core.platform.cache;

/**
 * The score of a member of a ranked set ({@link Cache#rankedAddOnce}): whole points first, ties broken by
 * who reached them first. One double holds both, exactly: {@code points × 2^25 + (2^25 − 1 − tick)}, where
 * {@code tick} (0 ≤ tick &lt; 2^25) is the moment, in the caller's unit since the caller's origin, of the latest
 * addition the member received. A higher score ranks first, so for equal points the smaller tick (reached
 * earlier) wins. Points must stay within ±2^28 so that the score stays an exact integer below 2^53.
 *
 * <pre>{@code
 * double score = RankedScore.of(120, 3600);   // 120 points, reached at tick 3600
 * long points = RankedScore.points(score);    // 120
 * }</pre>
 */
public final class RankedScore {

    /** Bits of the tie-break part. */
    public static final int TICK_BITS = 25;
    /** The largest tick a caller may pass. */
    public static final long MAX_TICK = (1L << TICK_BITS) - 1;
    /** The largest magnitude of a member's points. */
    public static final long MAX_POINTS = 1L << 28;
    static final double SCALE = 1L << TICK_BITS;

    private RankedScore() { }

    /** The score of {@code points} reached at {@code tick}. */
    public static double of(long points, long tick) {
        return points * SCALE + (MAX_TICK - tick);
    }

    /** The whole points of a score. */
    public static long points(double score) {
        return (long) Math.floor(score / SCALE);
    }

    /** The tick at which the points of {@code score} were reached. */
    public static long tick(double score) {
        return MAX_TICK - (long) (score - points(score) * SCALE);
    }

    /** The lowest score a member with {@code points} points can have (for range queries). */
    public static double lowestWith(long points) {
        return points * SCALE;
    }

    /** {@code current} plus {@code points} added at {@code tick}: points summed, the latest tick kept. */
    static double add(Double current, long points, long tick) {
        if (current == null) {
            return of(points, tick);
        }
        return of(points(current) + points, Math.max(tick(current), tick));
    }

    static void check(long points, long tick) {
        if (tick < 0 || tick > MAX_TICK) {
            throw new IllegalArgumentException("tick must be within 0.." + MAX_TICK + ", was " + tick);
        }
        if (Math.abs(points) > MAX_POINTS) {
            throw new IllegalArgumentException("points must be within ±" + MAX_POINTS + ", was " + points);
        }
    }
}
