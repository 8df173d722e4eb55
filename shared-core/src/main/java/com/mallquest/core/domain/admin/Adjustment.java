package com.mallquest.core.domain.admin;

/**
 * One balance adjustment of {@code POST /admin/users/batch}, as sent. Validated by {@link AdjustmentBatch}
 * (which knows its position, so errors name {@code adjustments[i].field}).
 *
 * @param adjustmentId the idempotency key chosen by the caller: the same adjustment id for the same user
 *                     is applied once, however often it is sent; 1..100 of {@code [A-Za-z0-9._-]}
 * @param userId       whose balance changes
 * @param coinsDelta   coins to add (negative to take away)
 * @param xpDelta      XP to add (negative to take away)
 * @param reason       why, kept on the user's activity record; 1..200 characters
 */
public record Adjustment(String adjustmentId, String userId, Long coinsDelta, Long xpDelta, String reason) {
}
