package com.mallquest.core.domain.audit;

import com.mallquest.core.platform.identity.Caller;
import com.mallquest.logging.LogContext;

import java.time.Instant;
import java.util.Objects;

/**
 * One immutable line of the audit trail: who (the caller's {@code sub} and role) did what, when, to which target,
 * with the state before and after where it applies, and the id of the request that did it.
 *
 * @param entryId   unique and derived from the change ({@code key:zara-till-2:registered}); with {@code at} it keys the item
 * @param action    what happened ({@link AuditAction})
 * @param storeId   the store the action concerns; null for a mall-wide one (a balance adjustment, a mall-wide reward)
 * @param target    what was acted on, e.g. {@code store:zara}, {@code key:zara-till-2}, {@code receipt:waterstones/W-1}
 * @param before    the target before the change as JSON text; null when it did not exist or does not apply
 * @param after     the target after the change as JSON text; null when it does not apply
 * @param requestId the API request that made the change (its log lines carry the same id)
 */
public record AuditEntry(String entryId, Instant at, String actorId, String actorRole, AuditAction action, String storeId,
                         String target, String before, String after, String requestId) {

    public AuditEntry {
        Objects.requireNonNull(entryId, "entryId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actorId, "actorId");
        Objects.requireNonNull(actorRole, "actorRole");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        if (requestId == null || requestId.isBlank()) {
            requestId = "none";
        }
    }

    /**
     * An entry of {@code caller}'s change, for the request this thread is answering (the {@code requestId} of the
     * {@link LogContext} the API entry opened; {@code none} outside a request).
     */
    public static AuditEntry of(Caller caller, Instant at, AuditAction action, String storeId, String target, String entryId,
                                String before, String after) {
        return new AuditEntry(entryId, at, caller.userId(), caller.role(), action, storeId, target, before, after,
                currentRequestId());
    }

    /**
     * The id of the request this thread is answering (null outside one): read it on the request's thread and hand it
     * to the workers that write entries for it.
     */
    public static String currentRequestId() {
        Object requestId = LogContext.current().get("requestId");
        return requestId == null ? null : requestId.toString();
    }
}
