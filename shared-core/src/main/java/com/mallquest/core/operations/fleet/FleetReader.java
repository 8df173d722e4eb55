package com.mallquest.core.operations.fleet;

import com.mallquest.core.platform.cache.Cache;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the fleet figures that every container's {@link FleetRecorder} adds to the shared cache: the buckets of
 * the last 15 minutes, one single-key {@code HGETALL} each (cluster-safe), summed by {@link FleetWindows}.
 *
 * <pre>{@code
 * FleetSnapshot now = new FleetReader(core.cache(), core.clock()).snapshot();
 * }</pre>
 */
public final class FleetReader {

    private final Cache cache;
    private final Clock clock;

    public FleetReader(Cache cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    /** Reads the buckets of the last 15 minutes and sums them into the 1, 5 and 15 minute windows. */
    public FleetSnapshot snapshot() {
        long nowMillis = clock.millis();
        Map<Long, Map<String, String>> buckets = new HashMap<>();
        for (long start : FleetWindows.bucketStarts(nowMillis)) {
            Map<String, String> hash = cache.hashGetAll(FleetBuckets.key(start));
            if (!hash.isEmpty()) {
                buckets.put(start, hash);
            }
        }
        // The mode is read after the reads: a read that found Redis unreachable has switched it already.
        String scope = cache.mode() == Cache.Mode.REDIS ? FleetSnapshot.SCOPE_FLEET : FleetSnapshot.SCOPE_INSTANCE;
        return FleetWindows.sum(scope, nowMillis, buckets);
    }
}
