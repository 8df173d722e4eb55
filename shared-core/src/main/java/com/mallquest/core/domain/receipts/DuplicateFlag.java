package com.mallquest.core.domain.receipts;

import java.util.List;

/**
 * Why a receipt in the review queue may be a duplicate, and the other receipt ids of the same store behind it.
 *
 * @param reason {@value #SIMILAR_ID} (equal after ignoring case and {@code - _ .}) or {@value #SAME_AMOUNT_AND_MINUTE}
 */
public record DuplicateFlag(String reason, List<String> receiptIds) {
    public static final String SIMILAR_ID = "similar_receipt_id";
    public static final String SAME_AMOUNT_AND_MINUTE = "same_amount_and_minute";
}
