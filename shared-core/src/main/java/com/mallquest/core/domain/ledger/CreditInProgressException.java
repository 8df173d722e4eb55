package com.mallquest.core.domain.ledger;

import com.mallquest.core.platform.errors.DomainException;

import java.time.Duration;

/**
 * {@code credit_in_progress} (a conflict): another attempt holds the lease of this credit. Its own type so
 * that callers which answer in their own words (receipts: {@code receipt_in_progress}) catch it by type,
 * never by comparing codes. {@link #retryAfter()} says when to retry.
 */
public final class CreditInProgressException extends DomainException {

    public static final String CODE = "credit_in_progress";

    CreditInProgressException(String message, Duration retryAfter) {
        super(Kind.CONFLICT, CODE, message, null);
        retryAfter(retryAfter);
    }
}
