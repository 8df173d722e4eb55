package com.mallquest.core.domain.receipts;

import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.dynamo.PageCursor;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.stores.Store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The review queue of unsigned receipts at stores whose policy is {@code review}: listed (oldest first, paged, each
 * entry with its likely-duplicate flags), approved (credited exactly once through the same ledger) or rejected, by an
 * admin or that store's staff ({@link Caller#mayManageStore}).
 *
 * <pre>{@code
 * ReceiptReviews reviews = services.reviews();
 * ReceiptReviews.Page page = reviews.list(caller, "pending_review", null, 20, null);
 * ReceiptResult credited = reviews.approve(caller, "lush", "L-1001");
 * reviews.reject(caller, "lush", "L-1002", "The receipt photo shows another shop");
 * }</pre>
 */
public final class ReceiptReviews {

    public static final String PENDING_REVIEW = "pending_review";
    public static final int MAX_PAGE = 50;
    public static final int MAX_REASON = 500;
    /** A cursor is the base64url of the last entry's {@code reviewSince}: {@code <time>#RECEIPT#<store>#<receipt>}. */
    private static final Pattern CURSOR = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#RECEIPT#[a-z0-9][a-z0-9-]{0,39}#[A-Za-z0-9._-]{1,64}");

    private final ReceiptService receipts;

    public ReceiptReviews(ReceiptService receipts) {
        this.receipts = receipts;
    }

    /**
     * One entry of the queue.
     *
     * @param duplicates likely duplicates for the reviewer to look at; empty when none
     */
    public record Entry(String storeId, String receiptId, String userId, BigDecimal amount, Instant purchasedAt,
                        Instant submittedAt, long coins, long xp, String status, List<DuplicateFlag> duplicates) { }

    /** A page of the queue; {@code nextCursor} null on the last page. */
    public record Page(List<Entry> receipts, String nextCursor) { }

    /** The body of a rejection: {@code {"reason": "…"}} (1-500 characters). */
    public record Rejection(String reason) {
        public Rejection {
            if (reason == null || reason.isBlank()) {
                throw DomainException.invalid("reason", "reason is required: tell the shopper why");
            }
            if (reason.length() > MAX_REASON || reason.chars().anyMatch(c -> c < 0x20)) {
                throw DomainException.invalid("reason", "reason must be at most " + MAX_REASON + " characters without control characters");
            }
            reason = reason.strip();
        }
    }

    /**
     * The outcome of a rejection.
     *
     * @param status always {@code rejected}
     */
    public record Decision(String storeId, String receiptId, String userId, String status, String reason,
                           String reviewedBy, Instant reviewedAt) { }

    /**
     * Receipts waiting for review, oldest first. An admin sees every store's (or {@code storeId}'s); store staff see
     * their own store's only.
     */
    public Page list(Caller caller, String status, String storeId, int limit, String cursor) {
        if (status != null && !PENDING_REVIEW.equals(status)) {
            throw DomainException.invalid("status", "status must be pending_review (the queue lists what waits for a decision)");
        }
        if (storeId != null && !Store.ID.matcher(storeId).matches()) {
            throw DomainException.invalid("storeId", "storeId must be 1 to 40 lower-case letters, digits or '-'");
        }
        String store = storeId;
        if (!caller.isAdmin()) {
            store = storeId == null ? caller.staffStoreId() : storeId;
            if (store == null || !caller.mayManageStore(store)) {
                throw DomainException.forbidden("forbidden", "Store staff see their own store's receipts only");
            }
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw DomainException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        ReceiptClaims.Page page = receipts.claims().reviewPage(store, limit, decodeCursor(cursor));
        Map<ReceiptClaim, List<DuplicateFlag>> flags = receipts.markers().flags(page.claims());
        List<Entry> entries = new ArrayList<>();
        for (ReceiptClaim claim : page.claims()) {
            entries.add(new Entry(claim.storeId(), claim.receiptId(), claim.userId(), claim.amount(), claim.purchasedAt(),
                    claim.claimedAt(), claim.coins(), claim.xp(), PENDING_REVIEW, flags.getOrDefault(claim, List.of())));
        }
        return new Page(entries, page.next() == null ? null : PageCursor.encode(page.next()));
    }

    /** Approves and credits; a second approval is a replay. See {@link ReceiptService#approve}. */
    public ReceiptResult approve(Caller caller, String storeId, String receiptId) {
        requireManager(caller, storeId);
        return receipts.approve(storeId, receiptId, caller);
    }

    /** Rejects; nothing is credited. See {@link ReceiptService#reject}. */
    public Decision reject(Caller caller, String storeId, String receiptId, Rejection rejection) {
        requireManager(caller, storeId);
        ReceiptClaim claim = receipts.reject(storeId, receiptId, caller, rejection.reason());
        return new Decision(claim.storeId(), claim.receiptId(), claim.userId(), "rejected", claim.review().reason(),
                claim.review().by(), claim.review().at());
    }

    private static void requireManager(Caller caller, String storeId) {
        if (!caller.mayManageStore(storeId)) {
            throw DomainException.forbidden("forbidden", "Only an admin or the staff of store '" + storeId + "' may review its receipts");
        }
    }

    private static String decodeCursor(String cursor) {
        List<String> parts = PageCursor.decode(cursor, 1, p -> CURSOR.matcher(p.get(0)).matches());
        return parts == null ? null : parts.get(0);
    }
}
