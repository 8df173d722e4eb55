package com.mallquest.core.domain.receipts;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.ReceiptCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The review queue of a {@code review} store (the seed's waterstones, ×2.0) on moto_server. */
class ReceiptReviewTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Instant BOUGHT = Instant.parse("2026-11-25T10:15:30Z");
    private static final Caller ADMIN = new Caller("admin-1", Set.of(Caller.ADMIN_GROUP));
    private static final Caller WATERSTONES = new Caller("ws-staff", Set.of(Caller.STORE_MANAGER_GROUP), "waterstones");
    private static final Caller FIVE_GUYS = new Caller("fg-staff", Set.of(Caller.STORE_MANAGER_GROUP), "five-guys");

    private TestStack cores;
    private Map<String, String> env;
    private DynamoDbClient dynamo;
    private MutableClock clock;

    @BeforeEach
    void setUp() {
        cores = TestStack.seeded("reviews", NOW, Map.of());
        env = cores.env;
        dynamo = cores.dynamo;
        clock = cores.clock;
    }

    private Platform core(DynamoDbClient client) {
        return cores.core(client, new MemoryCache());
    }

    private ReceiptService service() {
        return new Services(core(dynamo), (u, t, d) -> { }).receipts();
    }

    private ReceiptReviews reviews() {
        return new ReceiptReviews(service());
    }

    private static ReceiptRequest unsigned(String store, String id, String amount, Instant at) {
        return ReceiptRequest.unsigned(new ReceiptSubmission(id, store, new BigDecimal(amount), at));
    }

    private long coins(String userId) {
        return new Services(core(dynamo)).ledger().account(userId).coins();
    }

    @Test
    void unsignedReceipt_shouldWaitForReview_thenBeCreditedOnceWhenApproved() {
        // WHEN alice sends an unsigned waterstones receipt (twice)
        Submitted first = service().submit("alice", unsigned("waterstones", "W-1", "20.00", BOUGHT));
        Submitted again = service().submit("alice", unsigned("waterstones", "W-1", "20.00", BOUGHT));
        // THEN it is pending review, no coins; the second is the same answer, replayed
        PendingReview pending = (PendingReview) first;
        assertEquals("pending_review", pending.status());
        assertFalse(pending.replayed());
        assertTrue(again instanceof PendingReview p && p.replayed());
        assertEquals(0, coins("alice"));
        // AND another user cannot take it
        assertEquals("receipt_already_claimed", assertThrows(DomainException.class,
                () -> service().submit("bob", unsigned("waterstones", "W-1", "20.00", BOUGHT))).code());
        // AND it is in the queue, for an admin and for waterstones' staff
        ReceiptReviews.Page page = reviews().list(ADMIN, "pending_review", null, 20, null);
        assertEquals(List.of("W-1"), page.receipts().stream().map(ReceiptReviews.Entry::receiptId).toList());
        assertEquals("alice", page.receipts().get(0).userId());
        assertEquals(40, page.receipts().get(0).coins());
        assertEquals(List.of(), page.receipts().get(0).duplicates());
        assertEquals(1, reviews().list(WATERSTONES, null, null, 20, null).receipts().size());
        // WHEN waterstones' staff approves it (twice)
        ReceiptResult approved = reviews().approve(WATERSTONES, "waterstones", "W-1");
        ReceiptResult twice = reviews().approve(ADMIN, "waterstones", "W-1");
        // THEN it is credited once; the second approval is a replay; the queue is empty
        assertFalse(approved.replayed());
        assertEquals(40, approved.coinsEarned());
        assertTrue(twice.replayed());
        assertEquals(40, coins("alice"));
        assertEquals(List.of(), reviews().list(ADMIN, null, null, 20, null).receipts());
        // AND alice's retry now gets the credit, replayed; a rejection is too late
        assertTrue(service().submit("alice", unsigned("waterstones", "W-1", "20.00", BOUGHT)) instanceof ReceiptResult r && r.replayed());
        assertEquals("receipt_already_approved", assertThrows(DomainException.class,
                () -> reviews().reject(ADMIN, "waterstones", "W-1", new ReceiptReviews.Rejection("late"))).code());
        ReceiptClaim claim = new Services(core(dynamo)).receiptClaims().find("waterstones", "W-1").orElseThrow();
        assertEquals("ws-staff", claim.review().by());
        assertNull(claim.kid());
    }

    @Test
    void rejectedReceipt_shouldCreditNothing_andStayRejected() {
        service().submit("alice", unsigned("waterstones", "W-2", "20.00", BOUGHT));
        // WHEN rejected (twice: the second answers the first)
        ReceiptReviews.Decision rejected = reviews().reject(WATERSTONES, "waterstones", "W-2", new ReceiptReviews.Rejection("  Photo of another shop's receipt "));
        clock.advance(Duration.ofMinutes(1));
        ReceiptReviews.Decision again = reviews().reject(ADMIN, "waterstones", "W-2", new ReceiptReviews.Rejection("other"));
        assertEquals("rejected", rejected.status());
        assertEquals("Photo of another shop's receipt", rejected.reason());
        assertEquals(rejected, again);
        // THEN approving it is 409, the shopper's retry is 422 with the reason, nothing was credited
        assertEquals("receipt_already_rejected", assertThrows(DomainException.class,
                () -> reviews().approve(ADMIN, "waterstones", "W-2")).code());
        DomainException retry = assertThrows(DomainException.class,
                () -> service().submit("alice", unsigned("waterstones", "W-2", "20.00", BOUGHT)));
        assertEquals("receipt_rejected", retry.code());
        assertEquals("Photo of another shop's receipt", retry.details().get("reason"));
        assertEquals(0, coins("alice"));
        assertEquals(List.of(), reviews().list(ADMIN, null, null, 20, null).receipts());
    }

    @Test
    void reviews_shouldBeForAnAdminOrThatStoresStaffOnly() {
        service().submit("alice", unsigned("waterstones", "W-3", "20.00", BOUGHT));
        service().submit("bob", unsigned("five-guys", "F-1", "20.00", BOUGHT));
        Caller shopper = new Caller("alice", Set.of());
        assertEquals(DomainException.Kind.FORBIDDEN, assertThrows(DomainException.class, () -> reviews().approve(FIVE_GUYS, "waterstones", "W-3")).kind());
        assertEquals(DomainException.Kind.FORBIDDEN, assertThrows(DomainException.class,
                () -> reviews().reject(shopper, "waterstones", "W-3", new ReceiptReviews.Rejection("no"))).kind());
        assertEquals(DomainException.Kind.FORBIDDEN, assertThrows(DomainException.class,
                () -> reviews().list(FIVE_GUYS, null, "waterstones", 20, null)).kind());
        assertEquals(DomainException.Kind.FORBIDDEN, assertThrows(DomainException.class, () -> reviews().list(shopper, null, null, 20, null)).kind());
        // AND staff see their own store's entries only; an admin sees both, or one store's when asked
        assertEquals(List.of("F-1"), reviews().list(FIVE_GUYS, null, null, 20, null).receipts().stream().map(ReceiptReviews.Entry::receiptId).toList());
        assertEquals(2, reviews().list(ADMIN, null, null, 20, null).receipts().size());
        assertEquals(List.of("W-3"), reviews().list(ADMIN, null, "waterstones", 20, null).receipts().stream().map(ReceiptReviews.Entry::receiptId).toList());
        assertEquals("receipt_not_found", assertThrows(DomainException.class, () -> reviews().approve(ADMIN, "waterstones", "nope")).code());
        assertEquals(0, coins("alice") + coins("bob"));
    }

    @Test
    void list_shouldFlagLikelyDuplicates() {
        // GIVEN the same receipt typed twice by two users, and two receipts of the same amount in the same minute
        service().submit("alice", unsigned("waterstones", "W-1001", "20.00", BOUGHT));
        service().submit("bob", unsigned("waterstones", "w_1001", "35.00", BOUGHT.minus(Duration.ofHours(3))));
        service().submit("carol", unsigned("waterstones", "W-2001", "12.50", BOUGHT.minusSeconds(15)));
        service().submit("dave", unsigned("waterstones", "W-3001", "12.5", BOUGHT.plusSeconds(20)));
        service().submit("erin", unsigned("waterstones", "W-4001", "12.50", BOUGHT.plusSeconds(120)));
        // WHEN listed
        Map<String, List<DuplicateFlag>> flags = new HashMap<>();
        reviews().list(ADMIN, null, null, 20, null).receipts().forEach(e -> flags.put(e.receiptId(), e.duplicates()));
        // THEN similar ids and same amount + minute are flagged both ways; the rest is not
        assertEquals(List.of(new DuplicateFlag(DuplicateFlag.SIMILAR_ID, List.of("w_1001"))), flags.get("W-1001"));
        assertEquals(List.of(new DuplicateFlag(DuplicateFlag.SIMILAR_ID, List.of("W-1001"))), flags.get("w_1001"));
        assertEquals(List.of(new DuplicateFlag(DuplicateFlag.SAME_AMOUNT_AND_MINUTE, List.of("W-3001"))), flags.get("W-2001"));
        assertEquals(List.of(new DuplicateFlag(DuplicateFlag.SAME_AMOUNT_AND_MINUTE, List.of("W-2001"))), flags.get("W-3001"));
        assertEquals(List.of(), flags.get("W-4001"));
    }

    @Test
    void list_shouldPageOldestFirst_andRefuseACraftedCursor() {
        for (int i = 1; i <= 3; i++) {
            service().submit("u" + i, unsigned("waterstones", "P-" + i, i + ".00", BOUGHT));
            clock.advance(Duration.ofSeconds(1));
        }
        ReceiptReviews.Page first = reviews().list(ADMIN, "pending_review", null, 2, null);
        assertEquals(List.of("P-1", "P-2"), first.receipts().stream().map(ReceiptReviews.Entry::receiptId).toList());
        assertNotNull(first.nextCursor());
        ReceiptReviews.Page second = reviews().list(ADMIN, "pending_review", null, 2, first.nextCursor());
        assertEquals(List.of("P-3"), second.receipts().stream().map(ReceiptReviews.Entry::receiptId).toList());
        for (String cursor : List.of("garbage!", "eyJwayI6IngifQ", "x".repeat(300))) {
            assertEquals("invalid_cursor", assertThrows(DomainException.class, () -> reviews().list(ADMIN, null, null, 2, cursor)).code());
        }
        assertEquals("status", assertThrows(DomainException.class, () -> reviews().list(ADMIN, "credited", null, 2, null)).field());
    }

    @Test
    void approve_shouldBeFinishedExactlyOnceByCleanup_whenTheApprovalCrashedAfterItsDecision() {
        service().submit("alice", unsigned("waterstones", "W-9", "20.00", BOUGHT));
        // GIVEN an approval that died right after moving the claim to PENDING (its daily limit was counted at submission)
        CrashingDynamoDb crashing = new CrashingDynamoDb(dynamo, 1);
        ReceiptReviews dying = new ReceiptReviews(new Services(core(crashing), (u, t, d) -> { }).receipts());
        assertThrows(CrashingDynamoDb.Crash.class, () -> dying.approve(ADMIN, "waterstones", "W-9"));
        assertEquals(ReceiptClaim.PENDING, new Services(core(dynamo)).receiptClaims().find("waterstones", "W-9").orElseThrow().status());
        // WHEN the cleanup job runs after the grace period
        clock.advance(Duration.ofMinutes(3));
        assertEquals(1, service().completePending(10));
        // THEN it is credited once, and approving again is a replay
        assertEquals(40, coins("alice"));
        assertTrue(reviews().approve(ADMIN, "waterstones", "W-9").replayed());
        assertEquals(40, coins("alice"));
    }

    @Test
    void signedCode_shouldCreditAtOnce_evenAtAReviewStore() {
        Submitted signed = service().submit("alice", ReceiptRequest.signed(ReceiptCodes.code("waterstones", "W-S", "20.00", BOUGHT)));
        assertTrue(signed instanceof ReceiptResult r && !r.replayed());
        assertEquals(40, coins("alice"));
        assertEquals(List.of(), reviews().list(ADMIN, null, null, 20, null).receipts());
    }
}
