package com.mallquest.core.domain.stores;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How a store's receipts are trusted (the store attribute {@code verification}).
 *
 * <ul>
 *   <li>{@link #SIGNED}: only a receipt code signed with one of the store's keys is credited; an unsigned
 *       receipt is refused ({@code signature_required}).</li>
 *   <li>{@link #REVIEW}: a signed code is credited at once; an unsigned receipt waits in the review queue
 *       ({@code pending_review}) until the store's staff or an admin approves or rejects it.</li>
 * </ul>
 * No policy credits an unsigned receipt immediately. A store item without the attribute is {@link #SIGNED}.
 */
public enum Verification {
    SIGNED, REVIEW;

    /** The wire and table spelling: {@code signed}, {@code review}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code signed} or {@code review}; null (no attribute) is {@link #SIGNED}. */
    @JsonCreator
    public static Verification fromWire(String value) {
        if (value == null) {
            return SIGNED;
        }
        return switch (value) {
            case "signed" -> SIGNED;
            case "review" -> REVIEW;
            default -> throw new IllegalArgumentException("verification must be 'signed' or 'review', was '" + value + "'");
        };
    }
}
