package com.mallquest.core.domain.admin;

import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.errors.DomainException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /admin/users/batch}: {@code {"adjustments":[...]}}, 1 to {@value #MAX_ADJUSTMENTS}
 * of them. Validates itself when read: anything malformed is a 400 naming the field, e.g.
 * {@code adjustments[3].coinsDelta}; nothing is applied unless the whole body is valid.
 */
public record AdjustmentBatch(List<Adjustment> adjustments) {

    /** The most adjustments one request may carry. */
    public static final int MAX_ADJUSTMENTS = 100;
    /** The largest change one adjustment may make to coins or XP, either way. */
    public static final long MAX_DELTA = 1_000_000_000L;

    private static final Pattern ADJUSTMENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    public AdjustmentBatch {
        if (adjustments == null) {
            throw DomainException.invalid("adjustments", "adjustments is required: a list of 1 to " + MAX_ADJUSTMENTS);
        }
        if (adjustments.isEmpty()) {
            throw DomainException.invalid("adjustments", "adjustments must hold at least one adjustment");
        }
        if (adjustments.size() > MAX_ADJUSTMENTS) {
            throw DomainException.invalid("adjustments",
                    "At most " + MAX_ADJUSTMENTS + " adjustments per request, got " + adjustments.size());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < adjustments.size(); i++) {
            Adjustment a = adjustments.get(i);
            String at = "adjustments[" + i + "]";
            if (a == null) {
                throw DomainException.invalid(at, "An adjustment must be an object");
            }
            if (a.adjustmentId() == null || !ADJUSTMENT_ID.matcher(a.adjustmentId()).matches()) {
                throw DomainException.invalid(at + ".adjustmentId", "adjustmentId must be 1..100 characters of A-Z a-z 0-9 . _ -");
            }
            if (!seen.add(a.adjustmentId())) {
                throw DomainException.invalid(at + ".adjustmentId", "adjustmentId " + a.adjustmentId() + " appears twice in this request");
            }
            if (!Caller.isValidUserId(a.userId())) {
                throw DomainException.invalid(at + ".userId", "userId must be " + Caller.USER_ID_RULE);
            }
            requireDelta(a.coinsDelta(), at + ".coinsDelta");
            requireDelta(a.xpDelta(), at + ".xpDelta");
            if (a.coinsDelta() == 0 && a.xpDelta() == 0) {
                throw DomainException.invalid(at + ".coinsDelta", "coinsDelta and xpDelta cannot both be 0");
            }
            if (a.reason() == null || a.reason().isBlank() || a.reason().length() > 200) {
                throw DomainException.invalid(at + ".reason", "reason must be 1..200 characters");
            }
        }
        adjustments = List.copyOf(adjustments);
    }

    private static void requireDelta(Long delta, String field) {
        if (delta == null) {
            throw DomainException.invalid(field, field.substring(field.lastIndexOf('.') + 1) + " is required (0 for no change)");
        }
        if (Math.abs(delta) > MAX_DELTA) {
            throw DomainException.invalid(field, "A delta must be between -" + MAX_DELTA + " and " + MAX_DELTA);
        }
    }
}
