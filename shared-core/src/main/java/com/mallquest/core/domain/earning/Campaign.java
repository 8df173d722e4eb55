package com.mallquest.core.domain.earning;

import com.fasterxml.jackson.annotation.JsonValue;
import com.mallquest.core.platform.errors.DomainException;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An operator's earning lever: a bonus on the receipts that fall in its {@link Window} and meet its
 * {@link Conditions}, worth its {@link Effect}, stacked with other campaigns by {@link Stacking} and bounded by its
 * {@link Budget} (see {@link EarningRules#earn} for how the bonuses of several campaigns add up).
 *
 * <pre>{@code
 * Campaign weekend = new Campaign("zara-weekend", "2× weekend at Zara", Campaign.Status.ACTIVE,
 *         new Campaign.Window(start, end, Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), null, null),
 *         new Campaign.Conditions(Set.of("zara"), null, null),
 *         new Campaign.Effect(new BigDecimal("2"), null, null, null), Campaign.Stacking.ADDITIVE, 0,
 *         new Campaign.Budget(1_000L, 200L, Campaign.CapPeriod.DAY, Campaign.Overflow.PARTIAL));
 * }</pre>
 *
 * @param campaignId 1..64 of {@code [a-z0-9-]}
 * @param name       what shoppers read on their activity ("2× weekend at Zara"), 1..80 characters
 * @param status     where the campaign stands; only {@link Status#runs() running} campaigns earn anything
 * @param window     when a purchase must be made to qualify
 * @param conditions what a purchase must be to qualify (absent: every purchase)
 * @param effect     what a qualifying purchase earns on top of the base rule
 * @param stacking   how it combines with the other campaigns a purchase qualifies for
 * @param priority   higher first: the order of the lines and of the budgets, and the tie-break of best-of
 * @param budget     the coins it may issue (absent: unlimited)
 */
public record Campaign(String campaignId, String name, Status status, Window window, Conditions conditions,
                       Effect effect, Stacking stacking, int priority, Budget budget) {

    /** The shape of a campaign id. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** The largest campaign multiplier (the coins of the base rule times this at most). */
    static final BigDecimal MAX_MULTIPLIER = BigDecimal.TEN;
    /** The largest fixed bonus, bonus XP, per-receipt cap or budget of one campaign. */
    static final long MAX_COINS = 100_000_000;

    public Campaign {
        if (campaignId == null || !ID.matcher(campaignId).matches()) {
            throw DomainException.invalid("campaignId", "campaignId must be 1 to 64 lower-case letters, digits or '-'");
        }
        if (name == null || name.isBlank() || name.length() > 80) {
            throw DomainException.invalid("name", "name is required, at most 80 characters");
        }
        if (status == null) {
            throw DomainException.invalid("status", "status is required: draft, scheduled, active, paused or ended");
        }
        if (window == null) {
            throw DomainException.invalid("window", "window is required (at least its start)");
        }
        if (effect == null) {
            throw DomainException.invalid("effect", "effect is required (a multiplier, bonusCoins or bonusXp)");
        }
        conditions = conditions == null ? Conditions.NONE : conditions;
        stacking = stacking == null ? Stacking.ADDITIVE : stacking;
        if (priority < 0 || priority > 1000) {
            throw DomainException.invalid("priority", "priority must be 0 to 1000");
        }
        budget = budget == null ? Budget.UNLIMITED : budget;
    }

    /** The same campaign in {@code newStatus}. */
    public Campaign withStatus(Status newStatus) {
        return new Campaign(campaignId, name, newStatus, window, conditions, effect, stacking, priority, budget);
    }

    /** True when this campaign, running, gives a bonus on a purchase of {@code purchase} (budget aside). */
    public boolean appliesTo(Purchase purchase, ZoneId mallZone) {
        return status.runs() && window.contains(purchase.purchasedAt(), mallZone) && conditions.metBy(purchase);
    }

    /** Where a campaign stands; the operator moves it ({@code PUT /admin/campaigns/{id}}). */
    public enum Status {
        /** Being prepared: earns nothing, can be forecast. */
        DRAFT,
        /** Approved: earns during its window (like {@link #ACTIVE}; the console shows it as upcoming before its start). */
        SCHEDULED,
        /** Running: earns during its window. */
        ACTIVE,
        /** Stopped for now: earns nothing until made active again; its spend is kept. */
        PAUSED,
        /** Over: earns nothing; its spend is kept for the record. */
        ENDED;

        /** True for the statuses whose campaigns earn (within their window). */
        public boolean runs() {
            return this == SCHEDULED || this == ACTIVE;
        }

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a campaign's bonus combines with the other campaigns a purchase qualifies for (see {@link EarningRules#earn}). */
    public enum Stacking {
        /** Its bonus adds to every other bonus. */
        ADDITIVE,
        /** Only the best of the best-of campaigns a purchase qualifies for applies (most coins, then priority). */
        BEST_OF;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The period of a per-shopper cap, in the mall's time zone. */
    public enum CapPeriod {
        /** The whole campaign. */
        CAMPAIGN,
        /** One calendar day of the purchase. */
        DAY,
        /** One ISO week (Monday to Sunday) of the purchase. */
        WEEK;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a receipt whose bonus passes the budget (or a shopper's cap) gets. */
    public enum Overflow {
        /** The part of the bonus that still fits. */
        PARTIAL,
        /** No bonus from this campaign at all. */
        NONE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * When a purchase qualifies: from {@code start} (inclusive) to {@code end} (exclusive, absent: open), on
     * {@code days} (absent: every day) between {@code from} and {@code to} (local times, {@code to} exclusive; absent:
     * all day), all in the mall's time zone ({@code MALL_TIME_ZONE}). The purchase's time counts, not the submission's.
     */
    public record Window(Instant start, Instant end, Set<DayOfWeek> days, LocalTime from, LocalTime to) {
        public Window {
            if (start == null) {
                throw DomainException.invalid("window.start", "window.start is required");
            }
            if (end != null && !end.isAfter(start)) {
                throw DomainException.invalid("window.end", "window.end must be after window.start");
            }
            if (days != null && days.isEmpty()) {
                throw DomainException.invalid("window.days", "window.days must name at least one day (absent: every day)");
            }
            days = days == null ? null : Set.copyOf(days);
            if ((from == null) != (to == null) || (from != null && !from.isBefore(to))) {
                throw DomainException.invalid("window.to", "window.from and window.to go together, from before to");
            }
        }

        /** True when a purchase made at {@code at} falls in this window. */
        public boolean contains(Instant at, ZoneId zone) {
            if (at.isBefore(start) || (end != null && !at.isBefore(end))) {
                return false;
            }
            var local = at.atZone(zone);
            if (days != null && !days.contains(local.getDayOfWeek())) {
                return false;
            }
            LocalTime time = local.toLocalTime();
            return from == null || (!time.isBefore(from) && time.isBefore(to));
        }
    }

    /**
     * What a purchase must be: at one of {@code storeIds} or in one of {@code categories} (either absent: any; both
     * given: either matches), and at least {@code minAmount}.
     */
    public record Conditions(Set<String> storeIds, Set<String> categories, BigDecimal minAmount) {
        static final Conditions NONE = new Conditions(null, null, null);

        public Conditions {
            if (storeIds != null && (storeIds.isEmpty() || storeIds.size() > 100)) {
                throw DomainException.invalid("conditions.storeIds", "conditions.storeIds must name 1 to 100 stores (absent: any)");
            }
            if (categories != null && (categories.isEmpty() || categories.size() > 20)) {
                throw DomainException.invalid("conditions.categories", "conditions.categories must name 1 to 20 categories (absent: any)");
            }
            if (minAmount != null && minAmount.signum() < 0) {
                throw DomainException.invalid("conditions.minAmount", "conditions.minAmount must be 0 or more");
            }
            storeIds = storeIds == null ? null : Set.copyOf(storeIds);
            categories = categories == null ? null : Set.copyOf(categories);
        }

        /** True when {@code purchase} meets every condition. */
        public boolean metBy(Purchase purchase) {
            boolean place = (storeIds == null && categories == null)
                    || (storeIds != null && storeIds.contains(purchase.storeId()))
                    || (categories != null && categories.contains(purchase.category()));
            return place && (minAmount == null || purchase.amount().compareTo(minAmount) >= 0);
        }
    }

    /**
     * What a qualifying purchase earns on top of the base rule: the base coins times {@code multiplier − 1} (a 2×
     * campaign doubles them; rounded down, computed exactly like the base), plus {@code bonusCoins}, at most
     * {@code maxCoinsPerReceipt}; and {@code bonusXp}.
     */
    public record Effect(BigDecimal multiplier, Long bonusCoins, Long bonusXp, Long maxCoinsPerReceipt) {
        public Effect {
            bonusCoins = bonusCoins == null ? 0L : bonusCoins;
            bonusXp = bonusXp == null ? 0L : bonusXp;
            if (multiplier != null && (multiplier.compareTo(BigDecimal.ONE) < 0 || multiplier.compareTo(MAX_MULTIPLIER) > 0)) {
                throw DomainException.invalid("effect.multiplier", "effect.multiplier must be 1 to " + MAX_MULTIPLIER);
            }
            if (bonusCoins < 0 || bonusCoins > MAX_COINS || bonusXp < 0 || bonusXp > MAX_COINS) {
                throw DomainException.invalid("effect.bonusCoins", "effect.bonusCoins and effect.bonusXp must be 0 to " + MAX_COINS);
            }
            if (maxCoinsPerReceipt != null && (maxCoinsPerReceipt < 1 || maxCoinsPerReceipt > MAX_COINS)) {
                throw DomainException.invalid("effect.maxCoinsPerReceipt", "effect.maxCoinsPerReceipt must be 1 to " + MAX_COINS);
            }
            if ((multiplier == null || multiplier.compareTo(BigDecimal.ONE) == 0) && bonusCoins == 0 && bonusXp == 0) {
                throw DomainException.invalid("effect", "effect must give something: a multiplier above 1, bonusCoins or bonusXp");
            }
        }

        /** The bonus coins on a purchase of {@code amount} at a store of base {@code storeMultiplier}, before any budget. */
        long coinsFor(BigDecimal amount, BigDecimal storeMultiplier) {
            long coins = bonusCoins;
            if (multiplier != null) {
                coins += EarningRules.coinsFor(amount, storeMultiplier.multiply(multiplier.subtract(BigDecimal.ONE)));
            }
            return maxCoinsPerReceipt == null ? coins : Math.min(coins, maxCoinsPerReceipt);
        }
    }

    /**
     * The coins a campaign may issue: {@code totalCoins} over its life, {@code perShopperCoins} per shopper and
     * {@code perShopperPeriod} (each absent: unlimited); a bonus that passes either gets what {@code overflow} says.
     */
    public record Budget(Long totalCoins, Long perShopperCoins, CapPeriod perShopperPeriod, Overflow overflow) {
        static final Budget UNLIMITED = new Budget(null, null, null, null);

        public Budget {
            if (totalCoins != null && (totalCoins < 0 || totalCoins > MAX_COINS)) {
                throw DomainException.invalid("budget.totalCoins", "budget.totalCoins must be 0 to " + MAX_COINS);
            }
            if (perShopperCoins != null && (perShopperCoins < 1 || perShopperCoins > MAX_COINS)) {
                throw DomainException.invalid("budget.perShopperCoins", "budget.perShopperCoins must be 1 to " + MAX_COINS);
            }
            perShopperPeriod = perShopperPeriod == null ? CapPeriod.CAMPAIGN : perShopperPeriod;
            overflow = overflow == null ? Overflow.PARTIAL : overflow;
        }
    }
}
