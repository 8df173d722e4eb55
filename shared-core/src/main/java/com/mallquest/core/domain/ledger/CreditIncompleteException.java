package com.mallquest.core.domain.ledger;

/**
 * A credit stopped by a DynamoDB failure (timeout, 5xx, throttling: the cause). It is no refusal: a credit is one
 * transaction, so either all of it applied or none of it did, and a retry with the same credit applies it or
 * answers the replay. {@link #progress()} says whether the transaction was sent, so a caller can tell the user
 * what may have happened to the balance.
 */
public final class CreditIncompleteException extends RuntimeException {

    /** How far the interrupted credit got. */
    public enum Progress {
        /** Nothing was written (the profile read failed). */
        NOT_APPLIED,
        /** The transaction was sent and its answer lost: it may have been applied, whole. */
        MAYBE_APPLIED
    }

    private final transient Credit credit;
    private final Progress progress;

    CreditIncompleteException(Credit credit, Progress progress, RuntimeException cause) {
        super("credit " + credit.creditId() + " of " + credit.userId() + " interrupted (" + progress + "): "
                + cause.getMessage(), cause);
        this.credit = credit;
        this.progress = progress;
    }

    public Credit credit() {
        return credit;
    }

    public Progress progress() {
        return progress;
    }
}
