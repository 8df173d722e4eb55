package com.mallquest.functions.cleanup;

import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.mallquest.core.domain.cleanup.CleanupJob;
import com.mallquest.core.domain.cleanup.ExpiredItemSweeper;
import com.mallquest.core.domain.gamification.BoardPeriod;
import com.mallquest.core.domain.gamification.LeaderboardRebuild;
import com.mallquest.core.domain.gamification.PeriodTotalsBackfill;
import com.mallquest.core.domain.gamification.Period;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.api.lambda.Invocations;
import com.mallquest.logging.Log;
import com.mallquest.logging.LogContext;
import com.mallquest.core.domain.receipts.ReceiptService;
import com.mallquest.core.platform.dynamo.BatchWriter;

import java.util.List;
import java.util.Map;

/**
 * The EventBridge-scheduled cleanup: runs one bounded {@link CleanupJob} pass per scheduled event (read as
 * a map: only its {@code id} and {@code time} are logged) and returns the pass's summary. The expired-item
 * sweep covers the Users and Receipts tables, the two this function may write (template.yaml policies).
 */
public final class CleanupHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of(CleanupHandler.class);

    private final CleanupJob job;
    private final LeaderboardRebuild rebuild;
    private final PeriodTotalsBackfill backfill;

    public CleanupHandler() {
        this(Services.container());
    }

    CleanupHandler(Services services) {
        Platform core = services.platform();
        ReceiptService receipts = services.receipts();
        ExpiredItemSweeper sweeper = new ExpiredItemSweeper(core.dynamoDb(), BatchWriter.builder(core.dynamoDb()).build(),
                core.cache(), core.clock(), List.of(core.settings().usersTable(), core.settings().receiptsTable()));
        this.rebuild = services.gamification().rebuild();
        this.backfill = services.gamification().backfill();
        this.job = new CleanupJob(services.effectsService(), receipts::completePending, sweeper,
                services.spendingCleanup()::run, rebuild::step, core.cache(), core.metrics(),
                CleanupJob.Limits.from(core.settings()), receipts::overdue);
    }


    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object id = event == null ? null : event.get("id");
        Object time = event == null ? null : event.get("time");
        try (LogContext.Scope invocation = Invocations.begin(context)) {
            if (event != null && event.get("rebuildLeaderboards") instanceof Map<?, ?> command) {
                return rebuildLeaderboards(command, context);
            }
            if (event != null && event.get("backfillLeaderboardTotals") instanceof Map<?, ?> command) {
                return backfillLeaderboardTotals(command, context);
            }
            LOG.info("cleanup: scheduled event", "eventId", id, "eventTime", time);
            return job.run().toMap();
        }
    }

    /**
     * The rebuild command ({@code ./mallquest rebuild-leaderboards}, or {@code aws lambda invoke} with
     * {@code {"rebuildLeaderboards": {"period": "week", "at": "2026-W47", "cursor": null}}}): replays the ledger into
     * one period's boards (no period: every board) until done or 10 s before the function's timeout; the answer's
     * {@code cursor} continues an unfinished rebuild.
     */
    private Map<String, Object> rebuildLeaderboards(Map<?, ?> command, Context context) {
        String period = text(command.get("period"));
        String at = text(command.get("at"));
        BoardPeriod only = period == null ? null
                : BoardPeriod.parse(Period.fromWireName(period), at, java.time.Instant.now());
        long remaining = context == null ? 50_000 : Math.max(1_000, context.getRemainingTimeInMillis() - 10_000);
        LeaderboardRebuild.Result result = rebuild.rebuild(only, text(command.get("cursor")), 1_000,
                java.time.Duration.ofMillis(remaining));
        Map<String, Object> out = new java.util.LinkedHashMap<>(result.toMap());
        out.put("period", only == null ? "every board" : only.period().wireName() + " " + only.label());
        LOG.info("cleanup: leaderboard rebuild", out);
        return out;
    }

    /**
     * The one-off backfill of the leaderboard period totals from the ledger's history
     * ({@code {"backfillLeaderboardTotals": {"cursor": null}}}), until done or 10 s before the function's timeout; the
     * answer's {@code cursor} continues it.
     */
    private Map<String, Object> backfillLeaderboardTotals(Map<?, ?> command, Context context) {
        long remaining = context == null ? 50_000 : Math.max(1_000, context.getRemainingTimeInMillis() - 10_000);
        Map<String, Object> out = backfill.run(text(command.get("cursor")), 1_000,
                java.time.Duration.ofMillis(remaining)).toMap();
        LOG.info("cleanup: leaderboard totals backfill", out);
        return out;
    }

    private static String text(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }
}
