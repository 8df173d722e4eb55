package com.mallquest.core.domain.ledger;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The caller's items written in a credit's one transaction ({@link Ledger#credit(Credit, CreditItems)}), each with
 * the refusal its failed condition means: e.g. a receipt claim (409 {@code receipt_already_claimed}), daily-limit
 * counters (422), a campaign's budget, coin lots, an audit entry. All or none of them are written with the credit.
 * It may also carry requirements on the account as the ledger read it (e.g. a reward's minimum level): checked before
 * the transaction, which is conditioned on that very version of the profile, so a refusal is never decided on a
 * stale balance and writes nothing.
 *
 * <pre>{@code
 * CreditItems extras = CreditItems.none()
 *         .with(claimPut, old -> DomainException.conflict("receipt_already_claimed", "..."))
 *         .with(outcome -> claimWith(outcome.account()), old -> ...);   // built from the balance the credit leaves
 * }</pre>
 */
public final class CreditItems {

    /** One item of the transaction: what to write (knowing the credit's outcome) and what its failed condition means. */
    public interface Item {
        /** The write, given the result the credit will have when the transaction applies. */
        TransactWriteItem write(CreditResult outcome);

        /** The refusal when this item's condition failed; {@code oldItem} is the item as it was (empty: none). */
        RuntimeException refused(Map<String, AttributeValue> oldItem);
    }

    /** A condition on the account the credit applies to: {@link #refusal} is null when it holds. */
    public interface Requirement {
        /** The refusal when {@code before} (the account as read for this credit) does not meet it; null when it does. */
        RuntimeException refusal(Account before);
    }

    private static final CreditItems NONE = new CreditItems(List.of(), List.of());

    private final List<Item> items;
    private final List<Requirement> requirements;

    private CreditItems(List<Item> items, List<Requirement> requirements) {
        this.items = items;
        this.requirements = requirements;
    }

    /** No extra items: the credit alone. */
    public static CreditItems none() {
        return NONE;
    }

    /** These items and {@code item}. */
    public CreditItems with(Item item) {
        List<Item> more = new ArrayList<>(items);
        more.add(item);
        return new CreditItems(List.copyOf(more), requirements);
    }

    /** These items, applied only when {@code requirement} holds for the account as read (else its refusal is thrown). */
    public CreditItems requiring(Requirement requirement) {
        List<Requirement> more = new ArrayList<>(requirements);
        more.add(requirement);
        return new CreditItems(items, List.copyOf(more));
    }

    /** These items and requirements, then {@code more}'s. */
    public CreditItems with(CreditItems more) {
        if (more.items.isEmpty() && more.requirements.isEmpty()) {
            return this;
        }
        List<Item> allItems = new ArrayList<>(items);
        allItems.addAll(more.items);
        List<Requirement> allRequirements = new ArrayList<>(requirements);
        allRequirements.addAll(more.requirements);
        return new CreditItems(List.copyOf(allItems), List.copyOf(allRequirements));
    }

    /** These items and a fixed write. */
    public CreditItems with(TransactWriteItem write, Function<Map<String, AttributeValue>, ? extends RuntimeException> refused) {
        return with(outcome -> write, refused);
    }

    /** These items and a write built from the credit's outcome (e.g. a record holding the balance after it). */
    public CreditItems with(Function<CreditResult, TransactWriteItem> write,
                            Function<Map<String, AttributeValue>, ? extends RuntimeException> refused) {
        return with(item(write, refused));
    }

    /** One item: a fixed write and what its failed condition means. */
    public static Item item(TransactWriteItem write, Function<Map<String, AttributeValue>, ? extends RuntimeException> refused) {
        return item(outcome -> write, refused);
    }

    /** One item: a write built from the credit's outcome and what its failed condition means. */
    public static Item item(Function<CreditResult, TransactWriteItem> write,
                            Function<Map<String, AttributeValue>, ? extends RuntimeException> refused) {
        return new Item() {
            @Override
            public TransactWriteItem write(CreditResult outcome) {
                return write.apply(outcome);
            }

            @Override
            public RuntimeException refused(Map<String, AttributeValue> oldItem) {
                return refused.apply(oldItem);
            }
        };
    }

    /** The items, in the order they were added. */
    public List<Item> items() {
        return items;
    }

    /** The requirements on the account, in the order they were added. */
    public List<Requirement> requirements() {
        return requirements;
    }
}
