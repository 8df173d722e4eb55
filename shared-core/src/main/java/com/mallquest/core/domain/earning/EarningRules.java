package com.mallquest.core.domain.earning;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The earning rules of MallQuest, in one place. Every number a shopper earns comes from here.
 *
 * <ul>
 *   <li><b>Coins</b> = purchase amount × the store's coin multiplier, <b>rounded down</b> to a whole coin
 *       (computed exactly in decimal: 19.99 × 1.5 = 29.985 → 29 coins).</li>
 *   <li><b>XP</b> = the purchase amount rounded down to a whole unit (1 XP per whole currency unit,
 *       whatever the store: 125.50 → 125 XP).</li>
 *   <li><b>Levels</b> start at 1. Reaching level {@code L} takes {@code 50 × L × (L − 1)} XP in total:
 *       level 2 at 100 XP, 3 at 300, 4 at 600, 5 at 1,000, 6 at 1,500, 10 at 4,500, 20 at 19,000;
 *       each level takes 100 XP more than the one before. Levels are capped at {@value #MAX_LEVEL}.</li>
 * </ul>
 *
 *
 * <p><b>Campaigns</b> ({@link #earn}): the base rule above is the first line of every earning; each running
 * {@link Campaign} whose window holds the purchase time and whose conditions the purchase meets adds a line:
 * <ul>
 *   <li>its coins are the base coins times {@code multiplier − 1} (rounded down, exactly as the base) plus its
 *       {@code bonusCoins}, at most its {@code maxCoinsPerReceipt}; its XP is its {@code bonusXp};</li>
 *   <li>when its budget (or the shopper's cap) has less room than that, it gives the part that fits
 *       ({@code overflow: partial}) or nothing ({@code overflow: none}); a campaign whose coins are cut to nothing
 *       gives no XP either (it does not apply);</li>
 *   <li>stacking: every {@code additive} campaign adds its line; of the {@code best-of} campaigns only the one
 *       with the most coins (then the higher priority, then the smaller id) adds its line, on top of the additive
 *       ones;</li>
 *   <li>lines follow the base in priority order (higher first, then id).</li>
 * </ul>
 *
 * <pre>{@code
 * Earning r = EarningRules.reward(new BigDecimal("125.50"), new BigDecimal("2.0")); // 251 coins, 125 XP
 * Earning e = EarningRules.earn(purchase, campaigns, mallZone, Map.of());          // base + each campaign's line
 * int level = EarningRules.levelFor(1_250);                                         // 5
 * LevelProgress p = EarningRules.progress(1_250);                                   // 250 of 500 XP to level 6
 * }</pre>
 */
public final class EarningRules {

    /** The highest level; XP beyond its threshold still counts but no longer levels up. */
    public static final int MAX_LEVEL = 100;

    /** XP step between consecutive level thresholds grows by this much per level. */
    static final long XP_STEP = 100;

    private EarningRules() { }

    /** Coins for {@code amount} spent at a store with coin {@code multiplier}: the product, rounded down. */
    public static long coinsFor(BigDecimal amount, BigDecimal multiplier) {
        requireNonNegative(amount, "amount");
        requireNonNegative(multiplier, "multiplier");
        return amount.multiply(multiplier).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    /** XP for {@code amount} spent anywhere: one per whole currency unit, rounded down. */
    public static long xpFor(BigDecimal amount) {
        requireNonNegative(amount, "amount");
        return amount.setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    /** Coins and XP of one purchase. */
    public static Earning reward(BigDecimal amount, BigDecimal multiplier) {
        return new Earning(coinsFor(amount, multiplier), xpFor(amount));
    }

    /**
     * What {@code purchase} earns with the mall's {@code campaigns}: the base line, then a line per campaign that
     * applies (see the class).
     *
     * @param campaigns the campaigns to consider (any status: those not running are left out)
     * @param mallZone  the zone of the campaigns' windows
     * @param room      per campaign id, the most coins it may still give this purchase (its budget's or the shopper's
     *                  cap's room); a campaign absent here is not limited
     */
    public static Earning earn(Purchase purchase, List<Campaign> campaigns, ZoneId mallZone, Map<String, Long> room) {
        Earning base = reward(purchase.amount(), purchase.storeMultiplier());
        List<Campaign> applying = campaigns.stream().filter(c -> c.appliesTo(purchase, mallZone)).sorted(ORDER).toList();
        List<EarningLine> lines = new ArrayList<>(base.lines());
        EarningLine bestOf = null;
        for (Campaign campaign : applying) {
            EarningLine line = lineOf(campaign, purchase, room.get(campaign.campaignId()));
            if (line == null) {
                continue;
            }
            if (campaign.stacking() == Campaign.Stacking.ADDITIVE) {
                lines.add(line);
            } else if (bestOf == null || line.coins() > bestOf.coins()) {
                bestOf = line;
            }
        }
        if (bestOf != null) {
            lines.add(bestOf);
            List<String> order = applying.stream().map(Campaign::campaignId).toList();
            lines.sort(Comparator.comparingInt(l -> l.base() ? -1 : order.indexOf(l.source())));
        }
        return new Earning(lines.stream().mapToLong(EarningLine::coins).sum(),
                lines.stream().mapToLong(EarningLine::xp).sum(), lines);
    }

    /** Higher priority first, then the smaller id. */
    private static final Comparator<Campaign> ORDER = Comparator.comparingInt(Campaign::priority).reversed()
            .thenComparing(Campaign::campaignId);

    /** The line of a campaign that applies; null when its room leaves it nothing to give. */
    private static EarningLine lineOf(Campaign campaign, Purchase purchase, Long room) {
        Campaign.Effect effect = campaign.effect();
        long wanted = effect.coinsFor(purchase.amount(), purchase.storeMultiplier());
        long coins = wanted;
        if (room != null && room < wanted) {
            coins = campaign.budget().overflow() == Campaign.Overflow.PARTIAL ? Math.max(0, room) : 0;
        }
        if ((wanted > 0 && coins == 0) || (coins == 0 && effect.bonusXp() == 0)) {
            return null;
        }
        return new EarningLine(campaign.campaignId(), campaign.name(), coins, effect.bonusXp());
    }

    /** Total XP needed to reach {@code level} (level 1 needs 0). */
    public static long thresholdOf(int level) {
        if (level < 1 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("level must be between 1 and " + MAX_LEVEL + ", was " + level);
        }
        return XP_STEP / 2 * level * (long) (level - 1);
    }

    /** The level of a user with {@code xp} XP in total (negative XP counts as 0). */
    public static int levelFor(long xp) {
        if (xp <= 0) {
            return 1;
        }
        // Largest L with 50·L·(L−1) <= xp, from the quadratic formula, then corrected for rounding.
        int level = (int) Math.floor((1 + Math.sqrt(1 + 8.0 * xp / XP_STEP)) / 2);
        level = Math.max(1, Math.min(MAX_LEVEL, level));
        while (level < MAX_LEVEL && thresholdOf(level + 1) <= xp) {
            level++;
        }
        while (level > 1 && thresholdOf(level) > xp) {
            level--;
        }
        return level;
    }

    /** Where {@code xp} stands between the current level and the next. */
    public static LevelProgress progress(long xp) {
        long total = Math.max(0, xp);
        int level = levelFor(total);
        long start = thresholdOf(level);
        if (level == MAX_LEVEL) {
            return new LevelProgress(level, total, start, null, total - start, 0, 100);
        }
        long next = thresholdOf(level + 1);
        long into = total - start;
        long span = next - start;
        int percent = (int) (into * 100 / span);
        return new LevelProgress(level, total, start, next, into, next - total, percent);
    }

    private static void requireNonNegative(BigDecimal value, String name) {
        if (value == null || value.signum() < 0) {
            throw new IllegalArgumentException(name + " must be zero or more, was " + value);
        }
    }
}
