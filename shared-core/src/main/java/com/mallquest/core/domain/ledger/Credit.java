package com.mallquest.core.domain.ledger;

import com.mallquest.core.domain.earning.EarningLine;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One change to a user's balance, identified by {@code creditId}: applying the same credit id twice
 * changes nothing the second time (see {@link Ledger#credit(Credit)}).
 *
 * @param userId     whose balance changes
 * @param creditId   the idempotency key, unique per user; e.g. {@code receipt:<storeId>:<receiptId>}
 *                   or {@code adj:<batchId>:<n>}; 1..200 characters of {@code [A-Za-z0-9:._#@-]}
 * @param coinsDelta coins to add (negative to take away; the balance never goes below zero, except through a
 *                   {@link CreditKind#RECEIPT_REFUND})
 * @param xpDelta    XP to add (negative to take away; XP never goes below zero)
 * @param kind       why
 * @param details    short facts kept on the activity record (store, receipt, amount, reason)
 * @param earnedBy   what earned a receipt's amounts, kept on the activity record: the base rule and each campaign
 *                   ({@link com.mallquest.core.domain.earning.EarningRules#earn}); empty for other credits
 */
public record Credit(String userId, String creditId, long coinsDelta, long xpDelta, CreditKind kind,
                     Map<String, String> details, List<EarningLine> earnedBy) {

    /** The characters and length of a credit id. */
    static final String CREDIT_ID_RULE = "[A-Za-z0-9:._#@-]{1,200}";
    private static final Pattern CREDIT_ID = Pattern.compile(CREDIT_ID_RULE);

    public Credit {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(creditId, "creditId");
        Objects.requireNonNull(kind, "kind");
        if (userId.isBlank() || userId.length() > 128) {
            throw new IllegalArgumentException("userId must be 1..128 characters");
        }
        if (!CREDIT_ID.matcher(creditId).matches()) {
            throw new IllegalArgumentException("creditId must be 1..200 characters of [A-Za-z0-9:._#@-], was '" + creditId + "'");
        }
        details = details == null ? Map.of() : Map.copyOf(details);
        earnedBy = earnedBy == null ? List.of() : List.copyOf(earnedBy);
    }

    /** A credit whose amounts need no explaining (an adjustment, a redemption, ...). */
    public Credit(String userId, String creditId, long coinsDelta, long xpDelta, CreditKind kind, Map<String, String> details) {
        this(userId, creditId, coinsDelta, xpDelta, kind, details, List.of());
    }
}
