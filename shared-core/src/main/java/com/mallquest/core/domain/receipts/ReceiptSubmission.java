package com.mallquest.core.domain.receipts;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.stores.Store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What a receipt says: store, receipt id, amount, purchase time. It comes from a verified receipt code
 * ({@link ReceiptCode}: exactly what the store signed) or, for stores whose policy is {@code review}, from an
 * unsigned body {@code {"receiptId","storeId","amount","purchasedAt"}} (see {@link ReceiptRequest}). The user is the
 * caller, never a field. Malformed values are 400 {@code invalid_field} naming the field; the business
 * rules (store, dates, ceilings) are checked by {@link ReceiptService} as 422s.
 *
 * @param receiptId   the number printed on the receipt: 1..64 of {@code [A-Za-z0-9._-]}
 * @param storeId     the store's id (see {@code GET /stores})
 * @param amount      the total paid, positive, at most two decimals
 * @param purchasedAt when, ISO-8601 with a zone ({@code 2026-11-25T10:00:00Z})
 */
public record ReceiptSubmission(String receiptId, String storeId, BigDecimal amount, Instant purchasedAt) {

    private static final Pattern RECEIPT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** A sanity bound on the number itself; the mall's and stores' ceilings are business rules (422). */
    private static final BigDecimal MAX_AMOUNT_VALUE = new BigDecimal("1000000000");

    public ReceiptSubmission {
        if (receiptId == null || receiptId.isBlank()) {
            throw DomainException.invalid("receiptId", "receiptId is required");
        }
        if (!RECEIPT_ID.matcher(receiptId).matches()) {
            throw DomainException.invalid("receiptId", "receiptId must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (storeId == null || storeId.isBlank()) {
            throw DomainException.invalid("storeId", "storeId is required");
        }
        if (!Store.ID.matcher(storeId).matches()) {
            throw DomainException.invalid("storeId", "storeId must be 1 to 40 lower-case letters, digits or '-'");
        }
        if (amount == null) {
            throw DomainException.invalid("amount", "amount is required");
        }
        if (amount.signum() <= 0) {
            throw DomainException.invalid("amount", "amount must be greater than 0");
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            throw DomainException.invalid("amount", "amount must have at most two decimals");
        }
        if (amount.compareTo(MAX_AMOUNT_VALUE) > 0) {
            throw DomainException.invalid("amount", "amount is not a plausible receipt total");
        }
        if (purchasedAt == null) {
            throw DomainException.invalid("purchasedAt", "purchasedAt is required (ISO-8601, e.g. 2026-11-25T10:00:00Z)");
        }
    }
}
