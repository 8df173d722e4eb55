package com.mallquest.functions.adminbatch;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.admin.AdjustmentBatch;
import com.mallquest.core.domain.admin.BatchAdjustments;
import com.mallquest.core.domain.admin.BatchOutcome;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;

import java.util.List;

/**
 * {@code POST /admin/users/batch} (admins): up to 100 balance adjustments, each applied exactly once through
 * the ledger ({@link BatchAdjustments}); 200 with a result per adjustment.
 */
public final class AdminBatchHandler extends ApiHandler {
    /** Users whose adjustments are applied at a time. */
    static final int PARALLELISM = 8;

    private final BatchAdjustments adjustments;

    public AdminBatchHandler() {
        this(Services.container());
    }

    AdminBatchHandler(Services services) {
        super(services.platform());
        this.adjustments = new BatchAdjustments(services.ledger(), services.platform().settings().auditTable(), PARALLELISM);
    }


    @Override
    protected List<Route> routes() {
        return List.of(Route.post("/admin/users/batch", Access.ADMIN, this::batch));
    }

    private ApiResponse batch(ApiRequest request) {
        AdjustmentBatch batch = request.body(AdjustmentBatch.class);
        BatchOutcome outcome = adjustments.apply(batch, request.requireCaller());
        request.metrics()
                .count("AdjustmentsApplied", outcome.applied())
                .count("AdjustmentsReplayed", outcome.replayed())
                .count("AdjustmentsFailed", outcome.failed())
                .count("AdjustmentsPending", outcome.pending())
                .count("AdjustmentsNotAttempted", outcome.notAttempted());
        fleet.business("AdjustmentsApplied", outcome.applied());
        return ApiResponse.ok(outcome);
    }
}
