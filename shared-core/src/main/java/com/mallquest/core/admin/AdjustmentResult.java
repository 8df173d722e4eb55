package com.mallquest.core.admin;

/**
 * What happened to one adjustment.
 *
 * @param adjustmentId as sent
 * @param userId       as sent
 * @param status       {@code applied} (this request applied it), {@code replayed} (applied before: nothing
 *                     changed now) or {@code error}
 * @param coins        the user's coins right after the adjustment was applied (for a replay: as recorded then); null on error
 * @param xp           likewise for XP
 * @param level        likewise for the level
 * @param error        the reason it was not applied; null unless {@code status} is {@code error}
 */
public record AdjustmentResult(String adjustmentId, String userId, String status, Long coins, Long xp, Integer level,
                               Error error) {

    public static final String APPLIED = "applied";
    public static final String REPLAYED = "replayed";
    public static final String ERROR = "error";

    /**
     * @param code    stable snake_case code: {@code insufficient_balance}, {@code credit_mismatch},
     *                {@code credit_in_progress}, {@code unavailable}
     * @param message what went wrong and what to do
     */
    public record Error(String code, String message) { }
}
