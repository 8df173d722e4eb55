package com.mallquest.core.domain.receipts;

/** What {@link ReceiptService#submit} answers: a credit ({@link ReceiptResult}) or a receipt waiting for review ({@link PendingReview}). */
public sealed interface Submitted permits ReceiptResult, PendingReview {

    /** True when the same user had submitted this receipt before (the stored answer is repeated). */
    boolean replayed();
}
