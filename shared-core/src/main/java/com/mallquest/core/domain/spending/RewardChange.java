package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.stores.Store;

import java.time.Instant;

/**
 * The body of {@code PUT /admin/rewards/{rewardId}}: creates the reward or replaces its definition. Stock is never
 * overwritten blindly (redemptions decrement it concurrently):
 * <ul>
 *   <li>{@code stock} on a new reward: its initial stock (absent: unlimited);</li>
 *   <li>{@code stockDelta} on an existing limited reward, with {@code expectedVersion} (the reward's {@code version}
 *       you read): added once, only to that version (negative to withdraw units; the stock never goes below zero). A
 *       repeat of the same change (an SDK or client retry) answers the reward as that change left it and adds
 *       nothing; a change sent from an older version is 409 {@code reward_changed};</li>
 *   <li>{@code stock} with {@code expectedStock}: set only if the remaining stock is still {@code expectedStock}
 *       (compare-and-set); {@code stock} alone on an existing reward only limits a reward that was unlimited.</li>
 * </ul>
 * {@code expectedVersion} may come with any change of an existing reward (an optimistic lock). A refused stock
 * condition is 409 {@code stock_changed} with the current {@code remaining}.
 */
public record RewardChange(String title, String description, String storeId, Long costCoins, Long stock,
                           Long stockDelta, Long expectedStock, Integer perUserLimit, Instant validFrom, Instant validTo,
                           Integer minLevel, Integer couponValidDays, Boolean active, Long expectedVersion) {

    static final long MAX_COST = 1_000_000;
    static final long MAX_STOCK = 10_000_000;

    public RewardChange {
        if (title == null || title.isBlank() || title.length() > 120) {
            throw DomainException.invalid("title", "title is required, at most 120 characters");
        }
        if (description != null && description.length() > 1000) {
            throw DomainException.invalid("description", "description must be at most 1000 characters");
        }
        if (storeId != null && !Store.ID.matcher(storeId).matches()) {
            throw DomainException.invalid("storeId", "storeId must be 1 to 40 lower-case letters, digits or '-' (absent: mall-wide)");
        }
        if (costCoins == null || costCoins < 1 || costCoins > MAX_COST) {
            throw DomainException.invalid("costCoins", "costCoins is required, 1 to " + MAX_COST);
        }
        if (stock != null && (stock < 0 || stock > MAX_STOCK)) {
            throw DomainException.invalid("stock", "stock must be 0 to " + MAX_STOCK);
        }
        if (expectedStock != null && (stock == null || expectedStock < 0)) {
            throw DomainException.invalid("expectedStock", "expectedStock goes with stock (the value it replaces), at least 0");
        }
        if (stockDelta != null && (stock != null || stockDelta == 0 || Math.abs(stockDelta) > MAX_STOCK)) {
            throw DomainException.invalid("stockDelta", "stockDelta is a non-zero change of at most " + MAX_STOCK + ", not combined with stock");
        }
        if (stockDelta != null && expectedVersion == null) {
            throw DomainException.invalid("expectedVersion", "stockDelta needs expectedVersion, the reward's version you read:"
                    + " each change is applied once, to that version");
        }
        if (expectedVersion != null && expectedVersion < 0) {
            throw DomainException.invalid("expectedVersion", "expectedVersion must be at least 0");
        }
        if (perUserLimit != null && (perUserLimit < 1 || perUserLimit > 1000)) {
            throw DomainException.invalid("perUserLimit", "perUserLimit must be 1 to 1000 (absent: no limit)");
        }
        if (validFrom != null && validTo != null && !validFrom.isBefore(validTo)) {
            throw DomainException.invalid("validTo", "validTo must be after validFrom");
        }
        if (minLevel != null && (minLevel < 1 || minLevel > 100)) {
            throw DomainException.invalid("minLevel", "minLevel must be 1 to 100");
        }
        if (couponValidDays != null && (couponValidDays < 1 || couponValidDays > 365)) {
            throw DomainException.invalid("couponValidDays", "couponValidDays must be 1 to 365");
        }
    }

    int minLevelOrDefault() {
        return minLevel == null ? 1 : minLevel;
    }

    int couponValidDaysOrDefault() {
        return couponValidDays == null ? 30 : couponValidDays;
    }

    boolean activeOrDefault() {
        return active == null || active;
    }
}
