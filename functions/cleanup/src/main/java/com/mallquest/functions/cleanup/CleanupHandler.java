package com.mallquest.functions.cleanup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.mallquest.core.cleanup.CleanupJob;
import com.mallquest.core.cleanup.ExpiredItemSweeper;
import com.mallquest.core.effects.EffectsService;
import com.mallquest.core.lambda.CoreServices;
import com.mallquest.core.lambda.Invocations;
import com.mallquest.core.ledger.Ledger;
import com.mallquest.core.logging.Log;
import com.mallquest.core.logging.LogContext;
import com.mallquest.core.receipts.ReceiptService;
import com.mallquest.core.spending.SpendingCleanup;
import com.mallquest.core.store.BatchWriter;

import java.util.List;
import java.util.Map;

/**
 * The EventBridge-scheduled cleanup: runs one bounded {@link CleanupJob} pass per scheduled event (read as
 * a map: only its {@code id} and {@code time} are logged) and returns the pass's summary. The expired-item
 * sweep covers the Users and Receipts tables, the two this function may write (template.yaml policies).
 */
public final class CleanupHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.of(CleanupHandler.class);

    private static final class Container {
        static final CoreServices CORE = CoreServices.fromEnvironment();
    }

    private final CleanupJob job;

    public CleanupHandler() {
        this(Container.CORE);
    }

    CleanupHandler(CoreServices core) {
        EffectsService effects = new EffectsService(core.cache(), core.clock(), core.settings());
        ReceiptService receipts = ReceiptService.of(core, effects);
        ExpiredItemSweeper sweeper = new ExpiredItemSweeper(core.dynamoDb(), BatchWriter.builder(core.dynamoDb()).build(),
                core.cache(), core.clock(), List.of(core.settings().usersTable(), core.settings().receiptsTable()));
        SpendingCleanup spending = SpendingCleanup.of(core, effects);
        Ledger ledger = Ledger.of(core);
        this.job = new CleanupJob(effects, receipts::completePending, ledger::completePending, sweeper, spending::run,
                core.cache(), core.metrics(),
                CleanupJob.Limits.from(core.settings()), receipts::overdue);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object id = event == null ? null : event.get("id");
        Object time = event == null ? null : event.get("time");
        try (LogContext.Scope invocation = Invocations.begin(context)) {
            LOG.info("cleanup: scheduled event", "eventId", id, "eventTime", time);
            return job.run().toMap();
        }
    }
}
