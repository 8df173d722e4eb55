package com.mallquest.core.domain.admin;

import java.util.List;

/**
 * The answer of {@code POST /admin/users/batch}: one result per adjustment, in request order, and the counts
 * per {@link AdjustmentResult#status()}. A request that is retried (same body) answers {@code replayed} for
 * what it applied before and applies only what had not been applied.
 *
 * @param failed       results with status {@code error}
 * @param pending      results with status {@code pending}: started, possibly in the balance, completed by the
 *                     cleanup job or by sending the batch again
 * @param notAttempted results with status {@code not_attempted}: a user's adjustments after one without a final result
 */
public record BatchOutcome(int applied, int replayed, int failed, int pending, int notAttempted,
                           List<AdjustmentResult> results) {
}
