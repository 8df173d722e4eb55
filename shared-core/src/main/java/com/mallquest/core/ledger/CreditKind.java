package com.mallquest.core.ledger;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Why a user's balance changed. Stored in lower case ({@code receipt}, {@code adjustment}). */
public enum CreditKind {
    /** A verified purchase receipt; also counts towards {@code receiptsCredited}. */
    RECEIPT,
    /** An administrator's adjustment (positive or negative). */
    ADJUSTMENT;

    /** The stored and serialised name (also in JSON: the activity page and the user view show the same). */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind stored as {@code name}. */
    public static CreditKind fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
