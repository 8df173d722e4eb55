package com.mallquest.core.platform.dynamo;

import java.util.List;

/**
 * What a {@link BatchWriter#write} call did: how many writes were confirmed, every write that could not be
 * confirmed with the reason, and how many {@code BatchWriteItem} calls and HTTP requests it took.
 *
 * @param submitted the writes handed in
 * @param written   the writes DynamoDB confirmed (neither failed nor left unprocessed)
 * @param failures  every write that was not confirmed, in no particular order; empty when all landed
 * @param calls     {@code BatchWriteItem} calls made (first tries of chunks and retries of unprocessed items)
 * @param requests  HTTP requests those calls sent, including the SDK's retries of throttled or failed calls
 */
public record BatchWriteResult(int submitted, int written, List<Failure> failures, int calls, int requests) {

    public BatchWriteResult {
        failures = List.copyOf(failures);
    }

    /** True when every submitted write was confirmed. */
    public boolean allWritten() {
        return failures.isEmpty() && written == submitted;
    }

    /**
     * A write that was not confirmed. Puts and deletes are idempotent: submitting it again is safe.
     *
     * @param write    the write
     * @param reason   why: the error DynamoDB gave, or that it stayed unprocessed through every attempt
     * @param attempts {@code BatchWriteItem} calls it was part of
     */
    public record Failure(BatchWrite write, String reason, int attempts) { }
}
