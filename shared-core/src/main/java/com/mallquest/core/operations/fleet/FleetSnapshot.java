package com.mallquest.core.operations.fleet;

import java.time.Instant;
import java.util.Map;

/**
 * The fleet's figures over the windows 1, 5 and 15 minutes, as read from the shared cache by
 * {@link FleetReader#snapshot()}. Maps are keyed by window label ({@code 1m}, {@code 5m}, {@code 15m}).
 *
 * @param scope    {@code fleet} when read from the shared Redis; {@code instance} when the cache serves
 *                 from this container's memory (no Redis configured, or Redis unreachable), so the figures
 *                 are this instance's alone
 * @param at       when the figures were read
 * @param system   all routes together, per window
 * @param routes   route key → window → figures
 * @param business window → business counter name ({@code ReceiptsCredited}, {@code CoinsAwarded}, …) → sum
 * @param cache    window → cache lookups of request code
 */
public record FleetSnapshot(
        String scope,
        Instant at,
        Map<String, WindowFigures> system,
        Map<String, Map<String, WindowFigures>> routes,
        Map<String, Map<String, Long>> business,
        Map<String, CacheFigures> cache) {

    public static final String SCOPE_FLEET = "fleet";
    public static final String SCOPE_INSTANCE = "instance";

    public boolean fleetWide() {
        return SCOPE_FLEET.equals(scope);
    }
}
