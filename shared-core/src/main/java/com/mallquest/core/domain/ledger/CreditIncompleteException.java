package com.mallquest.core.domain.ledger;

import java.util.Optional;

/**
 * A credit attempt stopped by a DynamoDB failure (timeout, 5xx, throttling: the cause) after its claim. It
 * is no refusal: the credit stays pending, this attempt gave its lease up, and a retry with the same credit
 * (or the cleanup job, {@link Ledger#completePending}) completes it. {@link #progress()} says how far it
 * got, so a caller can tell the user what really happened to the balance.
 */
public final class CreditIncompleteException extends RuntimeException {

    /** How far the interrupted attempt got. */
    public enum Progress {
        /** The balance was not changed. */
        NOT_APPLIED,
        /** The balance write was sent and its answer lost: it may have been applied. */
        MAYBE_APPLIED,
        /** The balance has it; the activity entry or the settling is missing. */
        APPLIED
    }

    private final transient Credit credit;
    private final Progress progress;
    private final transient Account accountAfter;

    CreditIncompleteException(Credit credit, Progress progress, Account accountAfter, RuntimeException cause) {
        super("credit " + credit.creditId() + " of " + credit.userId() + " interrupted (" + progress + "): "
                + cause.getMessage(), cause);
        this.credit = credit;
        this.progress = progress;
        this.accountAfter = accountAfter;
    }

    public Credit credit() {
        return credit;
    }

    public Progress progress() {
        return progress;
    }

    /** The account right after the credit was applied; present when {@link #progress()} is {@code APPLIED}. */
    public Optional<Account> accountAfter() {
        return Optional.ofNullable(accountAfter);
    }
}
