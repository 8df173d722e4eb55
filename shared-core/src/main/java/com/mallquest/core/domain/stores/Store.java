package com.mallquest.core.domain.stores;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A store of the mall, as kept in the Stores table (one item per store, attribute names = component names)
 * and in the seed file {@code local/seed/StoresTable.json}.
 *
 * @param storeId          lower-case id used in receipts, e.g. {@code zara}: 1..40 of {@code [a-z0-9-]}
 * @param name             display name
 * @param category         e.g. {@code fashion}, {@code food}, {@code electronics}
 * @param floor            where it is, e.g. {@code L1}
 * @param multiplier       coins per currency unit spent here (0 < m ≤ 10), see {@link com.mallquest.core.domain.earning.EarningRules}
 * @param maxReceiptAmount the largest receipt this store can plausibly issue; null: only the mall's ceiling applies
 * @param active           inactive stores (closed, not yet open) are hidden and their receipts refused
 * @param verification     how the store's receipts are trusted ({@link Verification}); null reads as {@code signed}
 * @param aliases          other names the store goes by on its printed receipts (e.g. {@code ZARA ESPANA SA}),
 *                         at most {@value #MAX_ALIASES} of 1..{@value #MAX_ALIAS_LENGTH} characters; null reads as none
 */
public record Store(String storeId, String name, String category, String floor, BigDecimal multiplier,
                    BigDecimal maxReceiptAmount, boolean active, Verification verification, List<String> aliases) {

    /** The shape of a store id. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final BigDecimal MAX_MULTIPLIER = BigDecimal.TEN;
    public static final int MAX_ALIASES = 20;
    public static final int MAX_ALIAS_LENGTH = 80;

    public Store {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(multiplier, "multiplier");
        if (!ID.matcher(storeId).matches()) {
            throw new IllegalArgumentException("storeId must be 1..40 of [a-z0-9-], was '" + storeId + "'");
        }
        if (multiplier.signum() <= 0 || multiplier.compareTo(MAX_MULTIPLIER) > 0) {
            throw new IllegalArgumentException("multiplier of " + storeId + " must be above 0 and at most 10, was " + multiplier);
        }
        if (maxReceiptAmount != null && maxReceiptAmount.signum() <= 0) {
            throw new IllegalArgumentException("maxReceiptAmount of " + storeId + " must be positive");
        }
        if (verification == null) {
            verification = Verification.SIGNED;
        }
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        if (aliases.size() > MAX_ALIASES || aliases.stream().anyMatch(a -> a.isBlank() || a.length() > MAX_ALIAS_LENGTH
                || a.chars().anyMatch(c -> c < 0x20))) {
            throw new IllegalArgumentException("aliases of " + storeId + ": at most " + MAX_ALIASES + " names of 1 to "
                    + MAX_ALIAS_LENGTH + " characters without control characters");
        }
    }

    /** A store without aliases. */
    public Store(String storeId, String name, String category, String floor, BigDecimal multiplier,
                 BigDecimal maxReceiptAmount, boolean active, Verification verification) {
        this(storeId, name, category, floor, multiplier, maxReceiptAmount, active, verification, List.of());
    }

    /** A store with the default policy, {@link Verification#SIGNED}. */
    public Store(String storeId, String name, String category, String floor, BigDecimal multiplier,
                 BigDecimal maxReceiptAmount, boolean active) {
        this(storeId, name, category, floor, multiplier, maxReceiptAmount, active, Verification.SIGNED, List.of());
    }
}
