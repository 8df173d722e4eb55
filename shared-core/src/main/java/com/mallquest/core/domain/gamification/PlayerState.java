package com.mallquest.core.domain.gamification;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A shopper's gamification record (one item per user, see {@link PlayerRecords}): privacy choice, display name,
 * the ISO weeks with a credited receipt, the stores visited and the badges earned.
 *
 * @param publicLeaderboards false when the shopper hid from public boards (default true)
 * @param displayName        the name shown on public boards; empty: a masked id is shown
 * @param visitWeeks         ISO weeks ({@code 2026-W49}, purchase time in UTC) with at least one credited receipt
 * @param stores             ids of the stores with a credited receipt
 * @param badges             badge code → when it was awarded
 */
public record PlayerState(String userId, boolean publicLeaderboards, Optional<String> displayName,
                          Set<String> visitWeeks, Set<String> stores, Map<String, Instant> badges) {

    /** The state of a user with no record yet. */
    public static PlayerState empty(String userId) {
        return new PlayerState(userId, true, Optional.empty(), Set.of(), Set.of(), Map.of());
    }

    public boolean has(Badge badge) {
        return badges.containsKey(badge.code());
    }
}
