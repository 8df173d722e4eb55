package com.mallquest.core.domain.cleanup;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.domain.gamification.LeaderboardRebuild;
import com.mallquest.logging.Log;
import com.mallquest.logging.LogContext;
import com.mallquest.core.platform.metrics.InvocationMetrics;
import com.mallquest.core.platform.metrics.Metrics;
import com.mallquest.core.domain.spending.SpendingCleanup;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

/**
 * The scheduled cleanup (the seed's cleanup thread), one bounded pass per EventBridge event:
 * <ol>
 *   <li>expired effects: up to {@code CLEANUP_MAX_EFFECT_TARGETS} targets whose effects have all expired
 *       ({@link EffectsService#removeExpired});</li>
 *   <li>receipt credits left pending by a crashed or timed-out request: up to
 *       {@code CLEANUP_MAX_PENDING_CREDITS} completed through the receipts service's completion (which also
 *       marks the receipt claim credited and publishes its effects);</li>
 *   <li>DynamoDB items past their {@code expiresAt}: up to {@code CLEANUP_MAX_SCANNED_ITEMS} items scanned per
 *       table, the expired ones deleted through the batch writer ({@link ExpiredItemSweeper});</li>
 *   <li>spending work that fell due: up to {@code CLEANUP_MAX_SPENDING_ITEMS} expired unused coupons refunded (coins
 *       and stock back, exactly once) ({@link SpendingCleanup});</li>
 *   <li>leaderboards: up to {@code LEADERBOARD_REBUILD_MAX_ITEMS} Users-table items replayed into the boards,
 *       continuing where the previous run stopped ({@link LeaderboardRebuild#step}): what a flush or an outage
 *       lost comes back within one pass over the table.</li>
 * </ol>
 * Rate-limit counters and fleet-metric buckets need no trimming: each is created together with its TTL in
 * one atomic step (a Lua script on Redis, one map entry in memory), so none outlives its window, and a
 * keyspace {@code SCAN} of every cluster node each run would cost more than it could free.
 *
 * <p>Every step is idempotent and bounded; what is left is taken on by the next run ({@code moreWork}).
 * A failing step is logged and counted, and does not stop the others. Two overlapping runs (EventBridge
 * delivers at least once) are kept apart by a short lock in the cache; the second one skips.
 * The summary is returned, logged as one JSON line and emitted as EMF.
 */
public final class CleanupJob {
    private static final Log LOG = Log.of(CleanupJob.class);

    static final String LOCK_KEY = CacheKeys.build("cleanup", "cleanup", "lock");

    private final EffectsService effects;
    private final IntUnaryOperator completePendingReceipts;
    private final IntUnaryOperator overduePendingCredits;
    private final ExpiredItemSweeper sweeper;
    private final IntFunction<SpendingCleanup.Result> spending;
    private final IntFunction<LeaderboardRebuild.Result> leaderboards;
    private final Cache cache;
    private final Metrics metrics;
    private final Limits limits;

    /**
     * How much one run may do.
     *
     * @param effectTargets  targets (users, channels) whose expired effects one run removes
     * @param pendingCredits pending receipt claims, and pending ledger credits, one run completes (each)
     * @param scannedItems   items one run scans per table looking for expired ones
     * @param lockTtl        how long a run holds the lock (longer than the function's timeout)
     * @param spendingItems  due spending items (expired coupons) one run handles
     * @param leaderboardItems Users-table items one run replays into the leaderboards
     */
    public record Limits(int effectTargets, int pendingCredits, int scannedItems, Duration lockTtl, int spendingItems,
                         int leaderboardItems) {
        public static Limits from(Settings settings) {
            return new Limits(settings.cleanupMaxEffectTargets(), settings.cleanupMaxPendingCredits(),
                    settings.cleanupMaxScannedItems(), Duration.ofSeconds(90), settings.cleanupMaxSpendingItems(),
                    settings.leaderboardRebuildMaxItems());
        }
    }

    /**
     * @param completePendingReceipts completes up to n pending receipt claims and returns how many it
     *                                completed (the receipts service's {@code completePending})
     * @param spending                handles up to n due spending items ({@link SpendingCleanup#run})
     * @param leaderboards            replays up to n Users-table items into the leaderboards ({@link LeaderboardRebuild#step})
     * @param overduePendingCredits   counts, up to n, the receipt claims still pending longer than the lease after the
     *                                completion steps (the receipts service's {@code overdue}): EMF
     *                                {@code PendingCreditsOverdue}, which the template alarms on
     */
    public CleanupJob(EffectsService effects, IntUnaryOperator completePendingReceipts,
                      ExpiredItemSweeper sweeper,
                      IntFunction<SpendingCleanup.Result> spending, IntFunction<LeaderboardRebuild.Result> leaderboards,
                      Cache cache, Metrics metrics, Limits limits, IntUnaryOperator overduePendingCredits) {
        this.effects = effects;
        this.completePendingReceipts = completePendingReceipts;
        this.overduePendingCredits = overduePendingCredits;
        this.sweeper = sweeper;
        this.spending = spending;
        this.leaderboards = leaderboards;
        this.cache = cache;
        this.metrics = metrics;
        this.limits = limits;
    }

    /**
     * What one run did.
     *
     * @param skipped true when another run held the lock and this one did nothing
     * @param moreWork true when a bound was reached: the next run continues
     * @param failedSteps steps that threw (logged); their work is retried next run
     * @param spending what the spending step did (null when skipped or failed)
     * @param leaderboards what the leaderboard rebuild step did (null when skipped or failed)
     */
    public record Summary(boolean skipped, long expiredEffectsRemoved, int effectTargetsVisited,
                          int pendingCreditsCompleted, int expiredItemsDeleted, int itemsScanned,
                          int failedSteps, boolean moreWork, long durationMillis, SpendingCleanup.Result spending,
                          LeaderboardRebuild.Result leaderboards) {

        /** The summary as the function's JSON result. */
        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("skipped", skipped);
            out.put("expiredEffectsRemoved", expiredEffectsRemoved);
            out.put("effectTargetsVisited", effectTargetsVisited);
            out.put("pendingCreditsCompleted", pendingCreditsCompleted);
            out.put("expiredItemsDeleted", expiredItemsDeleted);
            out.put("itemsScanned", itemsScanned);
            out.put("failedSteps", failedSteps);
            out.put("moreWork", moreWork);
            out.put("durationMillis", durationMillis);
            if (spending != null) {
                out.put("couponsRefunded", spending.couponsRefunded());
                out.put("coinsRefunded", spending.coinsRefunded());
            }
            if (leaderboards != null) {
                out.put("leaderboardItemsReplayed", leaderboards.scanned());
                out.put("leaderboardUpdatesRestored", leaderboards.boardsChanged());
            }
            return out;
        }
    }

    /** One bounded pass. Never throws for a failing step. */
    public Summary run() {
        long started = System.nanoTime();
        String owner = UUID.randomUUID().toString();
        InvocationMetrics m = metrics.begin("cleanup");
        if (!cache.setIfAbsent(LOCK_KEY, owner, limits.lockTtl())) {
            Summary skipped = new Summary(true, 0, 0, 0, 0, 0, 0, false, elapsed(started), null, null);
            finish(m, skipped);
            return skipped;
        }
        int failed = 0;
        boolean more = false;
        try {
            EffectsService.CleanupResult fx = step("effects", () -> effects.removeExpired(limits.effectTargets()));
            failed += fx == null ? 1 : 0;
            more |= fx != null && fx.moreDue();

            // receipts first: completing a receipt credit through its claim also marks the claim and publishes effects
            Integer receipts = step("pending receipts", () -> completePendingReceipts.applyAsInt(limits.pendingCredits()));
            failed += receipts == null ? 1 : 0;
            more |= receipts != null && receipts >= limits.pendingCredits();

            int completed = receipts == null ? 0 : receipts;
            Integer overdue = step("overdue credits", () -> overduePendingCredits.applyAsInt(limits.pendingCredits()));
            failed += overdue == null ? 1 : 0;
            m.count("PendingCreditsOverdue", overdue == null ? 0 : overdue);

            ExpiredItemSweeper.Result swept = step("expired items", () -> sweeper.sweep(limits.scannedItems()));
            failed += swept == null ? 1 : 0;
            more |= swept != null && !swept.complete();

            SpendingCleanup.Result spent = step("spending", () -> spending.apply(limits.spendingItems()));
            failed += spent == null ? 1 : 0;
            more |= spent != null && spent.moreDue();

            LeaderboardRebuild.Result boards = step("leaderboards", () -> leaderboards.apply(limits.leaderboardItems()));
            failed += boards == null ? 1 : 0;
            more |= boards != null && !boards.complete();

            Summary summary = new Summary(false,
                    fx == null ? 0 : fx.expiredEffectsRemoved(), fx == null ? 0 : fx.targetsVisited(),
                    completed,
                    swept == null ? 0 : swept.deleted(), swept == null ? 0 : swept.scanned(),
                    failed, more, elapsed(started), spent, boards);
            finish(m, summary);
            return summary;
        } finally {
            if (cache.get(LOCK_KEY).filter(owner::equals).isPresent()) {
                cache.delete(LOCK_KEY);
            }
        }
    }

    private static <T> T step(String name, Supplier<T> work) {
        try (LogContext.Scope fields = LogContext.preserve()) { // ids a step adds (a claim's) end with it
            return work.get();
        } catch (RuntimeException e) {
            LOG.error("cleanup: step failed; retried next run", e, "step", name);
            return null;
        }
    }

    private static void finish(InvocationMetrics m, Summary summary) {
        LOG.info("cleanup summary", summary.toMap());
        m.count("ExpiredEffectsRemoved", summary.expiredEffectsRemoved())
                .count("PendingCreditsCompleted", summary.pendingCreditsCompleted())
                .count("ExpiredItemsDeleted", summary.expiredItemsDeleted())
                .count("ItemsScanned", summary.itemsScanned())
                .count("CleanupStepFailures", summary.failedSteps())
                .count("CleanupSkipped", summary.skipped() ? 1 : 0)
                .count("CouponsRefunded", summary.spending() == null ? 0 : summary.spending().couponsRefunded())
                .count("CoinsRefunded", summary.spending() == null ? 0 : summary.spending().coinsRefunded())
                .count("LeaderboardItemsReplayed", summary.leaderboards() == null ? 0 : summary.leaderboards().scanned())
                .count("LeaderboardUpdatesRestored", summary.leaderboards() == null ? 0 : summary.leaderboards().boardsChanged())
                .milliseconds("CleanupDuration", summary.durationMillis())
                .property("moreWork", summary.moreWork());
        m.flush();
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
