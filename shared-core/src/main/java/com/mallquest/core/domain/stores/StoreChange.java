package com.mallquest.core.domain.stores;

import com.mallquest.core.platform.errors.DomainException;

import java.math.BigDecimal;
import java.util.List;

/**
 * The body of {@code PUT /admin/stores/{storeId}}: the whole store as it should be (a replace, not a patch). The id
 * comes from the path; a body {@code storeId} must repeat it.
 *
 * @param floor            where it is: a floor or unit, e.g. {@code L1} or {@code L1-23}
 * @param maxReceiptAmount the largest receipt the store can plausibly issue; absent: only the mall's ceiling applies
 * @param verification     {@code signed} (default) or {@code review}
 * @param aliases          names as printed on its receipts
 * @param active           false: hidden from {@code GET /stores} and no new credits; its history stays
 * @param development      true marks local development data: refused outside a local stack
 */
public record StoreChange(String storeId, String name, String category, String floor, BigDecimal multiplier,
                          BigDecimal maxReceiptAmount, Verification verification, List<String> aliases, Boolean active,
                          Boolean development) {

    private static final int MAX_TEXT = 80;

    public StoreChange {
        requireText("name", name);
        requireText("category", category);
        if (floor != null && (floor.isBlank() || floor.length() > MAX_TEXT)) {
            throw DomainException.invalid("floor", "floor must be 1 to " + MAX_TEXT + " characters when given");
        }
        if (multiplier == null || multiplier.signum() <= 0 || multiplier.compareTo(BigDecimal.TEN) > 0) {
            throw DomainException.invalid("multiplier", "multiplier (coins per currency unit) must be above 0 and at most 10");
        }
        if (maxReceiptAmount != null && maxReceiptAmount.signum() <= 0) {
            throw DomainException.invalid("maxReceiptAmount", "maxReceiptAmount must be positive when given");
        }
        if (aliases != null && (aliases.size() > Store.MAX_ALIASES || aliases.stream().anyMatch(a -> a == null || a.isBlank()
                || a.length() > Store.MAX_ALIAS_LENGTH || a.chars().anyMatch(c -> c < 0x20)))) {
            throw DomainException.invalid("aliases", "aliases: at most " + Store.MAX_ALIASES + " names of 1 to "
                    + Store.MAX_ALIAS_LENGTH + " characters without control characters");
        }
        if (active == null) {
            throw DomainException.invalid("active", "active is required (true: takes part; false: closed, history kept)");
        }
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_TEXT || value.chars().anyMatch(c -> c < 0x20)) {
            throw DomainException.invalid(field, field + " is required: 1 to " + MAX_TEXT + " characters without control characters");
        }
    }

    /** True when the body marks the store as development data. */
    public boolean isDevelopment() {
        return Boolean.TRUE.equals(development);
    }

    /** The store this change describes, under the path's {@code id}. */
    public Store toStore(String id) {
        if (id == null || !Store.ID.matcher(id).matches()) {
            throw DomainException.invalid("storeId", "storeId must be 1 to 40 lower-case letters, digits or '-'");
        }
        if (storeId != null && !storeId.equals(id)) {
            throw DomainException.invalid("storeId", "The body's storeId '" + storeId + "' differs from the path's '" + id + "'");
        }
        return new Store(id, name.strip(), category.strip(), floor == null ? null : floor.strip(), multiplier, maxReceiptAmount,
                active, verification, aliases == null ? List.of() : aliases.stream().map(String::strip).toList());
    }
}
