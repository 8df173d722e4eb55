package com.mallquest.core.domain.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What a staff action did; spelled {@code store.created}, {@code key.revoked}, … on the wire and in the table. */
public enum AuditAction {
    STORE_CREATED, STORE_CHANGED, KEY_REGISTERED, KEY_REVOKED, RECEIPT_APPROVED, RECEIPT_REJECTED, RECEIPT_REFUNDED,
    REWARD_CHANGED, BALANCE_ADJUSTED, COUPON_ACCEPTED, CAMPAIGN_CREATED, CAMPAIGN_CHANGED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replaceFirst("_", ".");
    }

    @JsonCreator
    public static AuditAction fromWire(String wire) {
        for (AuditAction action : values()) {
            if (action.wire().equals(wire)) {
                return action;
            }
        }
        throw new IllegalArgumentException("no audit action '" + wire + "'");
    }
}
