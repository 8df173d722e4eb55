package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.errors.DomainException;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /admin/receipts/{storeId}/{receiptId}/refund}: {@code {"refundId","amount"}}. The
 * {@code refundId} (the till's return number, or any id the store makes once per return) makes retries safe.
 *
 * @param amount the money given back, positive, at most two decimals
 */
public record RefundRequest(String refundId, BigDecimal amount) {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public RefundRequest {
        if (refundId == null || !ID.matcher(refundId).matches()) {
            throw DomainException.invalid("refundId", "refundId is required: 1 to 64 letters, digits or ._-");
        }
        if (amount == null || amount.signum() <= 0) {
            throw DomainException.invalid("amount", "amount is required and must be greater than 0");
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            throw DomainException.invalid("amount", "amount must have at most two decimals");
        }
        if (amount.compareTo(new BigDecimal("1000000000")) > 0) {
            throw DomainException.invalid("amount", "amount is not a plausible refund");
        }
    }

    long amountCents() {
        return amount.movePointRight(2).longValueExact();
    }
}
