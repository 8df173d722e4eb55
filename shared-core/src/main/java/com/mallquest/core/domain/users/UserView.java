package com.mallquest.core.domain.users;

import com.mallquest.core.domain.gamification.Gamification;
import com.mallquest.core.domain.ledger.Account;
import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.earning.LevelProgress;
import com.mallquest.core.domain.earning.EarningLine;
import com.mallquest.core.domain.earning.EarningRules;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /users/{userId}}: balance, level and progress, counts and the latest activity.
 *
 * @param coins     the coins the user may spend (never below 0)
 * @param coinsOwed coins a receipt refund took back after they had been spent: the ledger balance is
 *                  {@code coins - coinsOwed} (the sum of the activity entries); the next credits pay this first
 * @param version  the ledger profile version this view was built from (0 for a user never credited)
 * @param cache    where this answer came from; null inside the cache itself
 * @param gamification badge count, newest badge and streak: read fresh for every answer (one consistent read of
 *                 the shopper's gamification record), never from the cache, so it is never stale; null inside the cache
 */
public record UserView(String userId, long coins, long coinsOwed, long xp, int level, LevelProgress progress, Counts counts,
                       List<Activity> recentActivity, long version, Instant updatedAt, CacheSource cache,
                       Gamification.Summary gamification) {

    /** How many things the user has done. */
    public record Counts(long receiptsCredited) { }

    /** One activity entry as shown to the user ({@code kind} is {@code receipt}, {@code adjustment}, {@code redemption}, {@code redemption_refund} or {@code receipt_refund}). */
    public record Activity(String creditId, String kind, long coins, long xp, Instant at, Map<String, String> details,
                           List<EarningLine> earnedBy) {
        static Activity of(ActivityEntry entry) {
            return new Activity(entry.creditId(), entry.kind().wireName(), entry.coins(), entry.xp(), entry.at(),
                    entry.details(), entry.earnedBy().isEmpty() ? null : entry.earnedBy());
        }
    }

    /**
     * Whether the answer was served from the cache.
     *
     * @param hit  true when a cached view (checked against the profile's version) was served
     * @param mode the cache's mode at the time: {@code REDIS}, {@code MEMORY} or {@code MEMORY_FALLBACK}
     */
    public record CacheSource(boolean hit, String mode) { }

    static UserView of(Account account, List<ActivityEntry> recent) {
        return new UserView(account.userId(), Math.max(0, account.coins()), Math.max(0, -account.coins()), account.xp(), account.level(),
                EarningRules.progress(account.xp()), new Counts(account.receiptsCredited()),
                recent.stream().map(Activity::of).toList(), account.version(), account.updatedAt(), null, null);
    }

    UserView withCache(CacheSource source) {
        return new UserView(userId, coins, coinsOwed, xp, level, progress, counts, recentActivity, version, updatedAt, source,
                gamification);
    }

    UserView withGamification(Gamification.Summary summary) {
        return new UserView(userId, coins, coinsOwed, xp, level, progress, counts, recentActivity, version, updatedAt, cache,
                summary);
    }
}
