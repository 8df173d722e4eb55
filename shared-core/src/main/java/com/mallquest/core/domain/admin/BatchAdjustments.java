package com.mallquest.core.domain.admin;

import com.mallquest.core.domain.audit.AuditAction;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditItems;
import com.mallquest.core.domain.ledger.Account;
import com.mallquest.core.domain.ledger.CreditItems;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditIncompleteException;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.logging.Log;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST /admin/users/batch}: applies up to 100 balance adjustments, each exactly once, through the
 * {@link Ledger}'s idempotent credit.
 *
 * <ul>
 *   <li><b>Exactly once.</b> Adjustment {@code A} for user {@code U} is the ledger credit
 *       {@code adj:<A>} of {@code U}: sending it again (a retried request) answers {@code replayed} with the
 *       balance recorded when it was applied, and changes nothing. Sending the same id with other amounts is
 *       the per-item error {@code credit_mismatch}.</li>
 *   <li><b>No lost update.</b> The ledger adds with DynamoDB's atomic {@code ADD} under a condition: a receipt
 *       credited concurrently for the same user is never overwritten, and balance = sum of activity holds.</li>
 *   <li><b>Never below zero.</b> A negative delta larger than the current balance (coins or XP) is not
 *       applied: per-item error {@code insufficient_balance} (the ledger's conditional add refuses it). It is
 *       recorded as rejected: sending it again answers the same error, even after the balance has grown; send
 *       a new adjustment id instead.</li>
 *   <li><b>Cache.</b> Every ledger write deletes the user's cached view.</li>
 *   <li><b>Order.</b> One user's adjustments are applied one after the other in request order (so +100 then
 *       -100 works on an empty balance); different users in parallel ({@code parallelism} at a time).</li>
 * </ul>
 * Why not {@code BatchWriteItem} (the shared {@code BatchWriter}): it allows no conditions and no updates, and
 * every adjustment must be a conditional, atomic add. Nothing here writes many items in one call.
 */
public final class BatchAdjustments {
    private static final Log LOG = Log.of(BatchAdjustments.class);

    /** Prefix of the ledger credit id of an adjustment. */
    public static final String CREDIT_PREFIX = "adj:";

    private final Ledger ledger;
    private final String auditTable;
    private final ExecutorService workers;

    /**
     * @param auditTable  the audit trail's table: each applied adjustment is written there in its credit's transaction
     * @param parallelism how many users' adjustments are applied at a time (daemon threads, built once)
     */
    public BatchAdjustments(Ledger ledger, String auditTable, int parallelism) {
        this.ledger = ledger;
        this.auditTable = auditTable;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "batch-adjustments-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The ledger credit of {@code adjustment}, made by admin {@code adminId}. */
    public static Credit creditOf(Adjustment adjustment, String adminId) {
        return new Credit(adjustment.userId(), CREDIT_PREFIX + adjustment.adjustmentId(), adjustment.coinsDelta(),
                adjustment.xpDelta(), CreditKind.ADJUSTMENT,
                Map.of("reason", adjustment.reason(), "adjustmentId", adjustment.adjustmentId(), "by", adminId));
    }

    /** Applies every adjustment of {@code batch}; one result per adjustment, in request order. */
    public BatchOutcome apply(AdjustmentBatch batch, Caller admin) {
        String requestId = AuditEntry.currentRequestId(); // the workers answer this request on threads of their own
        List<Adjustment> adjustments = batch.adjustments();
        AdjustmentResult[] results = new AdjustmentResult[adjustments.size()];
        Map<String, List<Integer>> byUser = new LinkedHashMap<>();
        for (int i = 0; i < adjustments.size(); i++) {
            byUser.computeIfAbsent(adjustments.get(i).userId(), u -> new ArrayList<>()).add(i);
        }
        List<Future<?>> running = new ArrayList<>();
        for (List<Integer> indexes : byUser.values()) {
            running.add(workers.submit(() -> {
                Integer stoppedAt = null;
                for (int i : indexes) {
                    if (stoppedAt != null) {
                        results[i] = notAttempted(adjustments.get(i), adjustments.get(stoppedAt));
                        continue;
                    }
                    Outcome outcome = applyOne(adjustments.get(i), admin, requestId);
                    results[i] = outcome.result();
                    if (!outcome.isFinal()) {
                        stoppedAt = i; // the rest of this user's chain would be decided against a balance in flux
                    }
                }
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while applying adjustments", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("adjustment worker failed", e.getCause());
            }
        }
        int applied = 0;
        int replayed = 0;
        int failed = 0;
        int pending = 0;
        int notAttempted = 0;
        for (AdjustmentResult r : results) {
            switch (r.status()) {
                case AdjustmentResult.APPLIED -> applied++;
                case AdjustmentResult.REPLAYED -> replayed++;
                case AdjustmentResult.PENDING -> pending++;
                case AdjustmentResult.NOT_ATTEMPTED -> notAttempted++;
                default -> failed++;
            }
        }
        return new BatchOutcome(applied, replayed, failed, pending, notAttempted, List.of(results));
    }

    /**
     * One adjustment's result, and whether it is final: applied, replayed, or refused for good
     * ({@code insufficient_balance}, {@code credit_mismatch}). Anything else (unavailable, in progress,
     * pending) may still change, so the user's later adjustments in the batch are not attempted.
     */
    private record Outcome(AdjustmentResult result, boolean isFinal) { }

    private Outcome applyOne(Adjustment a, Caller admin, String requestId) {
        try {
            CreditResult r = ledger.credit(creditOf(a, admin.userId()),
                    CreditItems.none().with(AuditItems.creditItem(auditTable, applied -> entry(a, admin, requestId, applied))));
            return new Outcome(new AdjustmentResult(a.adjustmentId(), a.userId(),
                    r.applied() ? AdjustmentResult.APPLIED : AdjustmentResult.REPLAYED,
                    r.account().coins(), r.account().xp(), r.account().level(), null), true);
        } catch (DomainException e) {
            // ledger_busy (503) may go through on the next try; a refusal is final
            return new Outcome(failure(a, e.code(), e.getMessage()), e.kind() != DomainException.Kind.UNAVAILABLE);
        } catch (CreditIncompleteException e) {
            LOG.error("adjustment interrupted", e, "adjustmentId", a.adjustmentId(), "userId", a.userId(),
                    "progress", e.progress().name());
            return new Outcome(incomplete(a, e), false);
        } catch (RuntimeException e) {
            LOG.error("adjustment failed", e, "adjustmentId", a.adjustmentId(), "userId", a.userId(), "errorCode", "unavailable");
            return new Outcome(failure(a, "unavailable", NOT_APPLIED), false);
        }
    }

    /**
     * The audit entry of an applied adjustment: the user's coins and XP before and after it (a mall-wide action: no
     * store), at the credit's time.
     */
    private static AuditEntry entry(Adjustment a, Caller admin, String requestId, CreditResult applied) {
        Account after = applied.account();
        String target = "user:" + a.userId();
        return new AuditEntry(CREDIT_PREFIX + a.adjustmentId(), applied.creditedAt(), admin.userId(), admin.role(),
                AuditAction.BALANCE_ADJUSTED, null, target,
                Json.write(Map.of("coins", after.coins() - applied.credit().coinsDelta(), "xp", after.xp() - applied.credit().xpDelta())),
                Json.write(Map.of("coins", after.coins(), "xp", after.xp(), "adjustmentId", a.adjustmentId(), "reason", a.reason())),
                requestId);
    }

    private static final String NOT_APPLIED =
            "Not applied: the store could not be reached. Send the batch again; what was applied answers replayed.";

    /** What an interrupted adjustment did to the balance, as far as the ledger knows. */
    private static AdjustmentResult incomplete(Adjustment a, CreditIncompleteException e) {
        return switch (e.progress()) {
            case NOT_APPLIED -> failure(a, "unavailable", NOT_APPLIED);
            case MAYBE_APPLIED -> new AdjustmentResult(a.adjustmentId(), a.userId(), AdjustmentResult.PENDING, null, null, null,
                    new AdjustmentResult.Error("credit_incomplete", "The adjustment may have been applied (the answer "
                            + "of its one write was lost: all of it or nothing); send the batch again: it answers applied "
                            + "or replayed, never twice."));
        };
    }

    private static AdjustmentResult notAttempted(Adjustment a, Adjustment blocking) {
        return new AdjustmentResult(a.adjustmentId(), a.userId(), AdjustmentResult.NOT_ATTEMPTED, null, null, null,
                new AdjustmentResult.Error("not_attempted", "Not attempted: the earlier adjustment " + blocking.adjustmentId()
                        + " of this user in this batch has no final result yet; send the batch again."));
    }

    private static AdjustmentResult failure(Adjustment a, String code, String message) {
        return new AdjustmentResult(a.adjustmentId(), a.userId(), AdjustmentResult.ERROR, null, null, null,
                new AdjustmentResult.Error(code, message));
    }
}
