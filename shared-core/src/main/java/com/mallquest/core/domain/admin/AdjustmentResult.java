package com.mallquest.core.domain.admin;

/**
 * What happened to one adjustment.
 *
 * @param adjustmentId as sent
 * @param userId       as sent
 * @param status       {@code applied} (this request applied it), {@code replayed} (applied before: nothing
 *                     changed now), {@code error} (not applied; {@code insufficient_balance} and
 *                     {@code credit_mismatch} are final, {@code unavailable} and {@code ledger_busy}
 *                     are not), {@code pending} (interrupted after it started: the cleanup job completes it,
 *                     or a resend does) or {@code not_attempted} (an earlier adjustment of the same user in this
 *                     batch has no final result, so this one was not decided against a balance in flux)
 * @param coins        the user's coins right after the adjustment was applied (for a replay: as recorded then;
 *                     for {@code pending}: when the balance is known to have it); null otherwise
 * @param xp           likewise for XP
 * @param level        likewise for the level
 * @param error        why it is not (or not yet) applied; null for {@code applied} and {@code replayed}
 */
public record AdjustmentResult(String adjustmentId, String userId, String status, Long coins, Long xp, Integer level,
                               Error error) {

    public static final String APPLIED = "applied";
    public static final String REPLAYED = "replayed";
    public static final String ERROR = "error";
    public static final String PENDING = "pending";
    public static final String NOT_ATTEMPTED = "not_attempted";

    /**
     * @param code    stable snake_case code: {@code insufficient_balance}, {@code credit_mismatch},
     *                {@code ledger_busy}, {@code unavailable}, {@code credit_incomplete} (status
     *                {@code pending}), {@code not_attempted}
     * @param message what went wrong and what to do
     */
    public record Error(String code, String message) { }
}
