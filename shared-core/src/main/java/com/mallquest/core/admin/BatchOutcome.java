package com.mallquest.core.admin;

import java.util.List;

/**
 * The answer of {@code POST /admin/users/batch}: one result per adjustment, in request order, and the counts.
 * A request that is retried (same body) answers {@code replayed} for what it applied before and applies
 * only what had not been applied.
 */
public record BatchOutcome(int applied, int replayed, int failed, List<AdjustmentResult> results) {
}
