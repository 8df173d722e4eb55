package com.mallquest.core.domain.receipts;

import com.mallquest.core.platform.errors.DomainException;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The body of {@code POST /receipts}: either a signed receipt code, {@code {"code":"<compact JWS>"}} (see
 * {@link ReceiptCode}), or, for a store whose policy is {@code review}, the unsigned fields
 * {@code {"receiptId","storeId","amount","purchasedAt"}}, which wait for a person's approval. A code comes alone:
 * nothing beside it may name the store or the receipt.
 */
public record ReceiptRequest(String code, String receiptId, String storeId, BigDecimal amount, Instant purchasedAt) {

    public ReceiptRequest {
        if (code != null) {
            String extra = receiptId != null ? "receiptId" : storeId != null ? "storeId" : amount != null ? "amount"
                    : purchasedAt != null ? "purchasedAt" : null;
            if (extra != null) {
                throw DomainException.invalid(extra, "A receipt code comes alone: everything about the receipt is inside the signed code");
            }
        } else if (receiptId == null && storeId == null && amount == null && purchasedAt == null) {
            throw DomainException.invalid("code", "code is required (the receipt code the till printed)");
        }
    }

    /** A signed code. */
    public static ReceiptRequest signed(String code) {
        return new ReceiptRequest(code, null, null, null, null);
    }

    /** An unsigned receipt (accepted only by stores whose policy is {@code review}). */
    public static ReceiptRequest unsigned(ReceiptSubmission receipt) {
        return new ReceiptRequest(null, receipt.receiptId(), receipt.storeId(), receipt.amount(), receipt.purchasedAt());
    }

    public boolean isSigned() {
        return code != null;
    }

    /** The unsigned receipt's fields, checked ({@link ReceiptSubmission}'s 400s). */
    public ReceiptSubmission unsignedReceipt() {
        return new ReceiptSubmission(receiptId, storeId, amount, purchasedAt);
    }
}
