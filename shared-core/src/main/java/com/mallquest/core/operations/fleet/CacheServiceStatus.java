package com.mallquest.core.operations.fleet;

import java.time.Instant;

/**
 * The managed cache service's own view of the cache (in AWS: ElastiCache's status of the serverless
 * cache), for the {@code cache} section of {@code GET /metrics}. The adapter that asks AWS lives in the
 * metrics function, the only one that carries the ElastiCache client.
 */
@FunctionalInterface
public interface CacheServiceStatus {

    /** Never asks anything: local runs and tests outside AWS. */
    CacheServiceStatus NOT_IN_AWS = () -> Report.skipped("not running in AWS");

    /** The latest known status (implementations may cache it). Never throws. */
    Report current();

    /**
     * @param checked   whether the service was asked
     * @param status    the service's status word (e.g. {@code available}, {@code modifying}); null when not known
     * @param checkedAt when it was asked
     * @param note      why it was not asked, or that asking failed
     */
    record Report(boolean checked, String status, Instant checkedAt, String note) {
        public static Report skipped(String why) {
            return new Report(false, null, null, why);
        }
    }
}
