package com.mallquest.core.domain.receipts;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.domain.audit.AuditAction;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.gamification.Gamification;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditItems;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.logging.Log;
import com.mallquest.logging.LogContext;
import com.mallquest.core.platform.ratelimit.RateLimit;
import com.mallquest.core.platform.ratelimit.RateLimiter;
import com.mallquest.core.domain.campaigns.CampaignBudgets;
import com.mallquest.core.domain.campaigns.Campaigns;
import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.domain.earning.Earning;
import com.mallquest.core.domain.earning.EarningRules;
import com.mallquest.core.domain.earning.Purchase;
import com.mallquest.core.domain.stores.Store;
import com.mallquest.core.domain.stores.StoreCatalogue;
import com.mallquest.core.domain.stores.StoreKeys;
import com.mallquest.core.domain.stores.Verification;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Verifies a receipt and credits its coins and XP exactly once.
 *
 * <ol>
 *   <li>a signed code is verified ({@link ReceiptCode}); a refused code counts against the rate limit, credits nothing;</li>
 *   <li>a retry of a receipt this user claimed before gets its answer first, before rate limits and rules (a store
 *       deactivated or a window passed since must not turn a replay into a 422 or 429): credited → the stored result
 *       ({@code replayed=true}), pending → the credit is finished (or 409 {@code receipt_in_progress}), waiting for
 *       review → 202 again, rejected → 422 {@code receipt_rejected};</li>
 *   <li>rate limit per user ({@code RECEIPT_RATE_LIMIT}, fleet-wide also while Redis is away: {@link ReceiptRateLimit}):
 *       429 {@code rate_limited} with {@code Retry-After};</li>
 *   <li>a receipt claimed by another user: 409 {@code receipt_already_claimed}; the same user with other details:
 *       409 {@code receipt_details_differ};</li>
 *   <li>the rules, each a 422 with its own code: {@code unknown_store}, {@code store_inactive},
 *       {@code signature_required} (an unsigned receipt at a store whose policy is {@code signed}),
 *       {@code purchase_in_future}, {@code receipt_too_old}, {@code amount_above_mall_limit}, {@code amount_above_store_limit};</li>
 *   <li>a signed receipt is credited through the {@link Ledger} (idempotent per {@code receipt:<storeId>:<receiptId>})
 *       in one transaction with its claim {@code (storeId, receiptId)}, created once and {@code CREDITED}
 *       ({@link ReceiptClaims}), its count against the daily fraud limits ({@link DailyLimits}: 422
 *       {@code daily_coin_limit_reached}, {@code daily_store_limit_reached}) and its visit (streaks, badges): a claim
 *       never exists without its credit, nor a credit without its claim;</li>
 *   <li>an unsigned one is claimed and counted, and waits for review (202 {@link PendingReview}); its approval
 *       credits it in one transaction with the claim marked {@code CREDITED};</li>
 *   <li>effects {@code coin_earned} (and {@code level_up}) are published for a credit this call made.</li>
 * </ol>
 * A signed receipt costs 4 DynamoDB round trips: the claim's read, the profile's read, the transaction, the
 * shopper's gamification record. A crash before the transaction leaves nothing; after it, the same submission
 * again is a replay. A claim approved but not yet credited (a crash in between) stays {@code PENDING}:
 * {@link #completePending} (the cleanup job) finishes it.
 *
 * <pre>{@code
 * ReceiptService receipts = services.receipts();
 * Submitted answer = receipts.submit(caller.userId(), ReceiptRequest.signed(code));
 * int finished = receipts.completePending(100);
 * }</pre>
 */
public final class ReceiptService {

    private static final Log LOG = Log.of(ReceiptService.class);

    /** The rate limiter's action name (key {@code mq:rl:receipts:{u:<id>}:<window>}). */
    public static final String RATE_LIMIT_ACTION = "receipts";

    private final ReceiptClaims claims;
    private final DailyLimits limits;
    private final DuplicateMarkers markers;
    private final ReceiptRateLimit rateLimit;
    private final StoreCatalogue stores;
    private final StoreKeys keys;
    private final Ledger ledger;
    private final EffectPublisher effects;
    private final Clock clock;
    private final Rules rules;
    private final Gamification gamification;
    private final Cache cache;
    private final Campaigns campaigns;
    private final CampaignBudgets budgets;

    /**
     * The verification settings.
     *
     * @param rateLimit       receipts per user per window
     * @param claimWindow     how old a purchase may be
     * @param clockSkew       how far in the future a purchase time may be
     * @param mallMaxAmount   the mall's ceiling for one receipt
     * @param pendingGrace    how long a claim may stay pending before {@link #completePending} takes it on
     * @param dailyCoinLimit  receipt coins per user per UTC day
     * @param dailyStoreLimit receipts per user per store per UTC day
     * @param mallZone        the zone of the campaigns' windows and caps
     */
    public record Rules(RateLimit rateLimit, Duration claimWindow, Duration clockSkew, BigDecimal mallMaxAmount,
                        Duration pendingGrace, long dailyCoinLimit, int dailyStoreLimit, ZoneId mallZone) {

        /** Longer than any crediting function's timeout (API 30 s, cleanup 60 s): a pending claim older is not in flight. */
        static final Duration PENDING_GRACE = Duration.ofMinutes(2);

        public static Rules from(Settings settings) {
            return new Rules(settings.receiptRateLimit(), settings.receiptClaimWindow(), settings.receiptClockSkew(),
                    BigDecimal.valueOf(settings.receiptMaxAmount()),
                    PENDING_GRACE, settings.receiptDailyCoinLimit(), settings.receiptDailyStoreLimit(),
                    settings.mallTimeZone());
        }
    }

    /**
     * @param dynamo        the receipts table's client; the service's own parts (daily limits, duplicate markers,
     *                      the rate limit's refusal counter) live in that table
     * @param receiptsTable the Receipts table ({@code RECEIPTS_TABLE})
     */
    public ReceiptService(DynamoDbClient dynamo, String receiptsTable, ReceiptClaims claims, StoreCatalogue stores,
                          StoreKeys keys, Ledger ledger, Gamification gamification, RateLimiter limiter,
                          EffectPublisher effects, Cache cache, Clock clock, Rules rules, Campaigns campaigns,
                          CampaignBudgets budgets) {
        this.claims = claims;
        this.limits = new DailyLimits(dynamo, receiptsTable, rules.dailyCoinLimit(), rules.dailyStoreLimit());
        this.markers = new DuplicateMarkers(dynamo, receiptsTable);
        this.rateLimit = new ReceiptRateLimit(limiter, cache, dynamo, receiptsTable, clock, rules.rateLimit());
        this.stores = stores;
        this.keys = keys;
        this.ledger = ledger;
        this.gamification = gamification;
        this.effects = effects;
        this.cache = cache;
        this.clock = clock;
        this.rules = rules;
        this.campaigns = campaigns;
        this.budgets = budgets;
    }


    /**
     * Submits a receipt for {@code userId}: a {@link ReceiptResult} (credited by this call, or {@code replayed}) or a
     * {@link PendingReview} (an unsigned receipt at a {@code review} store).
     *
     * @throws DomainException 400, 409, 422 or 429 as described on the class
     */
    public Submitted submit(String userId, ReceiptRequest request) {
        ReceiptSubmission receipt;
        String kid = null;
        if (request.isSigned()) {
            try {
                ReceiptCode.SignedReceipt signed = ReceiptCode.verify(request.code(), keys::find);
                receipt = signed.receipt();
                kid = signed.kid();
            } catch (DomainException refused) {
                rateLimit.acquireOrRefuse(userId); // a refused code counts: codes cannot be guessed at speed
                throw refused;
            }
        } else {
            receipt = request.unsignedReceipt();
        }
        LogContext.put("storeId", receipt.storeId(), "receiptId", receipt.receiptId(),
                "creditId", ReceiptClaim.creditId(receipt.storeId(), receipt.receiptId()));

        Optional<ReceiptClaim> earlier = claims.find(receipt.storeId(), receipt.receiptId());
        if (earlier.isPresent() && isRetry(earlier.get(), userId, receipt)) {
            return resume(earlier.get());
        }
        // The rate limit's count, the store's and the running campaigns' reads go to the cache together (one round trip).
        CacheBatch batch = new CacheBatch();
        Runnable refuseIfOverLimit = rateLimit.acquireOrRefuse(batch, userId);
        Supplier<Optional<Store>> store = earlier.isPresent() ? Optional::empty : stores.find(batch, receipt.storeId());
        Supplier<List<Campaign>> running = earlier.isPresent() || kid == null ? List::of : campaigns.running(batch);
        cache.execute(batch);
        refuseIfOverLimit.run();
        if (earlier.isPresent()) {
            throw conflict(earlier.get(), userId, receipt);
        }
        Store verified = verify(receipt, kid != null, store.get());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Earning reward = EarningRules.reward(receipt.amount(), verified.multiplier());
        ReceiptClaim claim = new ReceiptClaim(userId, receipt.storeId(), receipt.receiptId(), receipt.amount(),
                receipt.purchasedAt(), now, reward.coins(), reward.xp(),
                kid != null ? ReceiptClaim.PENDING : ReceiptClaim.PENDING_REVIEW, kid, null, null);
        LogContext.put("creditId", claim.creditId());

        if (claim.signed()) {
            if (verified.verification() == Verification.REVIEW) {
                markers.record(claim);
            }
            Purchase purchase = new Purchase(userId, verified.storeId(), verified.category(), verified.multiplier(),
                    receipt.amount(), receipt.purchasedAt());
            return creditNew(claim, receipt, purchase, running.get());
        }
        Optional<ReceiptClaim> raced = claims.create(claim);
        if (raced.isPresent()) { // claimed between our read and our write
            if (isRetry(raced.get(), userId, receipt)) {
                return resume(raced.get());
            }
            throw conflict(raced.get(), userId, receipt);
        }
        if (verified.verification() == Verification.REVIEW) {
            markers.record(claim);
        }
        return awaitReview(claim, false);
    }

    /**
     * Approves a receipt waiting for review: it is counted against its user's daily limits, then credited exactly once
     * through the ledger. A second approval is a replay ({@code replayed=true}).
     *
     * @throws DomainException 403 {@code own_receipt} (the reviewer submitted it), 404 {@code receipt_not_found},
     *                         409 {@code receipt_already_rejected}, 422 daily limits
     */
    ReceiptResult approve(String storeId, String receiptId, Caller reviewer) {
        ReceiptClaim claim = claims.find(storeId, receiptId).orElseThrow(() -> notFound(storeId, receiptId));
        refuseOwnReceipt(claim, reviewer.userId());
        if (ReceiptClaim.PENDING_REVIEW.equals(claim.status())) {
            limits.count(claim); // counted at submission; counts now only if a crash skipped it then
            Instant at = now();
            claim = claims.decide(claim, ReceiptClaim.PENDING, new ReceiptClaim.Review(reviewer.userId(), at, null),
                    decision(reviewer, at, claim, AuditAction.RECEIPT_APPROVED, Map.of("status", "approved",
                            "coins", claim.coins(), "xp", claim.xp())));
        }
        return switch (claim.status()) {
            case ReceiptClaim.CREDITED -> claim.result();
            case ReceiptClaim.PENDING -> creditPending(claim, false);
            case ReceiptClaim.REJECTED -> throw DomainException.conflict("receipt_already_rejected",
                    "Receipt " + receiptId + " of store " + storeId + " was rejected; a rejected receipt cannot be approved");
            default -> throw new IllegalStateException("claim " + claim.creditId() + " in state " + claim.status());
        };
    }

    /**
     * Rejects a receipt waiting for review; nothing is credited. Rejecting it again answers the first rejection.
     *
     * @throws DomainException 403 {@code own_receipt}, 404 {@code receipt_not_found}, 409 {@code receipt_already_approved}
     */
    ReceiptClaim reject(String storeId, String receiptId, Caller reviewer, String reason) {
        ReceiptClaim claim = claims.find(storeId, receiptId).orElseThrow(() -> notFound(storeId, receiptId));
        refuseOwnReceipt(claim, reviewer.userId());
        if (ReceiptClaim.PENDING_REVIEW.equals(claim.status())) {
            Instant at = now();
            claim = claims.decide(claim, ReceiptClaim.REJECTED, new ReceiptClaim.Review(reviewer.userId(), at, reason),
                    decision(reviewer, at, claim, AuditAction.RECEIPT_REJECTED, Map.of("status", "rejected", "reason", reason)));
        }
        if (!ReceiptClaim.REJECTED.equals(claim.status())) {
            throw DomainException.conflict("receipt_already_approved",
                    "Receipt " + receiptId + " of store " + storeId + " was approved (or signed); it can no longer be rejected");
        }
        return claim;
    }

    /** The audit entry of a review decision on {@code claim} (waiting for review before it). */
    private static AuditEntry decision(Caller reviewer, Instant at, ReceiptClaim claim, AuditAction action, Map<String, Object> after) {
        String target = "receipt:" + claim.storeId() + "/" + claim.receiptId();
        return AuditEntry.of(reviewer, at, action, claim.storeId(), target, target + ":" + action.wire().substring("receipt.".length()),
                Json.write(Map.of("status", ReceiptClaim.PENDING_REVIEW.toLowerCase(java.util.Locale.ROOT), "userId", claim.userId(),
                        "amount", claim.amount().toPlainString())), Json.write(after));
    }

    /** A person never decides on a receipt they submitted (an admin or manager shopping at their own store included). */
    private static void refuseOwnReceipt(ReceiptClaim claim, String reviewerId) {
        if (claim.userId().equals(reviewerId)) {
            throw DomainException.forbidden("own_receipt", "Nobody reviews a receipt they submitted: another manager "
                    + "of the store or an administrator decides on receipt " + claim.receiptId());
        }
    }

    ReceiptClaims claims() {
        return claims;
    }

    DuplicateMarkers markers() {
        return markers;
    }

    /**
     * Finishes up to {@code limit} claims left pending longer than the grace period (their request crashed or
     * timed out and was not retried). Bounded and idempotent: the cleanup job calls it on a schedule.
     *
     * @return how many claims were completed by this call
     */
    public int completePending(int limit) {
        if (limit < 1) {
            return 0;
        }
        Instant olderThan = clock.instant().minus(rules.pendingGrace());
        int completed = 0;
        for (ReceiptClaim claim : claims.pending(olderThan, limit)) {
            try {
                creditPending(claim, true);
                completed++;
                LOG.info("receipts: pending claim completed");
            } catch (DomainException e) {
                // receipt_in_progress: a live attempt owns it; a daily limit: the claim was released
                LOG.warn("receipts: pending claim not completed", "creditId", claim.creditId(), "errorCode", e.code());
            } catch (RuntimeException e) {
                // e.g. throttling: one claim must not stop the others; it stays pending for the next run
                LOG.warn("receipts: pending claim not completed", e, "creditId", claim.creditId());
            }
        }
        return completed;
    }

    private static boolean isRetry(ReceiptClaim existing, String userId, ReceiptSubmission receipt) {
        return existing.userId().equals(userId) && existing.sameDetails(receipt);
    }

    /** The answer to a retry of a claim this user made, whatever the rules say today. */
    private Submitted resume(ReceiptClaim existing) {
        return switch (existing.status()) {
            case ReceiptClaim.CREDITED -> existing.result();
            case ReceiptClaim.PENDING -> creditPending(existing, true);
            case ReceiptClaim.PENDING_REVIEW -> {
                markers.record(existing); // idempotent: repairs markers a crash left out
                yield awaitReview(existing, true);
            }
            case ReceiptClaim.REJECTED -> throw DomainException.rejected("receipt_rejected",
                    "This receipt was reviewed and rejected" + (existing.review() != null && existing.review().reason() != null
                            ? ": " + existing.review().reason() : ""))
                    .detail("reason", existing.review() == null ? null : existing.review().reason());
            default -> throw new IllegalStateException("claim " + existing.creditId() + " in state " + existing.status());
        };
    }

    private static DomainException conflict(ReceiptClaim existing, String userId, ReceiptSubmission receipt) {
        if (!existing.userId().equals(userId)) {
            return DomainException.conflict("receipt_already_claimed",
                    "Receipt " + receipt.receiptId() + " of store " + receipt.storeId() + " was already claimed");
        }
        return DomainException.conflict("receipt_details_differ",
                "You already submitted this receipt with a different amount or purchase time");
    }

    private PendingReview awaitReview(ReceiptClaim claim, boolean replayed) {
        countOrRelease(claim, true);
        return PendingReview.of(claim, replayed);
    }

    /** Counts the claim against the daily limits; a refusal releases the claim (when {@code release}) and is rethrown. */
    private void countOrRelease(ReceiptClaim claim, boolean release) {
        try {
            limits.count(claim);
        } catch (DomainException refused) {
            if (release) {
                claims.release(claim);
            }
            throw refused;
        }
    }

    /**
     * How many claims (counted up to {@code limit}) are still pending longer than the grace period: credits the
     * cleanup could not finish (the {@code PendingCreditsOverdue} alarm).
     */
    public int overdue(int limit) {
        return limit < 1 ? 0 : claims.pending(clock.instant().minus(rules.pendingGrace()), limit).size();
    }

    /**
     * Credits a new signed claim, earned with the running campaigns, in one transaction with the claim itself
     * ({@code CREDITED}, unless the receipt was claimed meanwhile), its daily-limit count, its visit and its campaigns'
     * budget counters: all of it or nothing. A budget (or a shopper's cap) with less room than a bonus refuses the
     * transaction with the room left; the receipt is earned again with it (the part that fits, or none) and credited
     * again, at most {@value #MAX_EARNING_TRIES} times.
     */
    private ReceiptResult creditNew(ReceiptClaim baseClaim, ReceiptSubmission receipt, Purchase purchase, List<Campaign> running) {
        LogContext.put("userId", baseClaim.userId(), "creditId", baseClaim.creditId());
        Map<String, Long> room = budgets.initialRoom(running);
        for (int tries = 1; ; tries++) {
            Earning earning = EarningRules.earn(purchase, running, rules.mallZone(), room);
            ReceiptClaim claim = baseClaim.withReward(earning.coins(), earning.xp());
            try {
                return creditNew(claim, receipt, earning, budgets.counters(CreditItems.none(), purchase, earning, running));
            } catch (CampaignBudgets.Shortfall shortfall) {
                room.merge(shortfall.campaignId(), shortfall.room(), Math::min);
                if (tries >= MAX_EARNING_TRIES) {
                    throw DomainException.unavailable("campaign_busy",
                            "Too many receipts are counting against the same campaign at once; retry shortly", Duration.ofSeconds(1));
                }
            }
        }
    }

    /** How many times a receipt is earned again when its campaigns' budgets moved under it. */
    static final int MAX_EARNING_TRIES = 50;

    private ReceiptResult creditNew(ReceiptClaim claim, ReceiptSubmission receipt, Earning earning, CreditItems counters) {
        Credit credit = creditOf(claim, earning);
        CreditItems extras = CreditItems.none()
                .with(claims.createCredited(claim, existing -> existing.userId().equals(claim.userId()) && existing.sameDetails(receipt)
                        ? DomainException.conflict("receipt_in_progress", "This receipt is being credited by another request; retry shortly")
                                .retryAfter(Duration.ofSeconds(1))
                        : conflict(existing, claim.userId(), receipt)))
                .with(limits.countWithCredit(claim))
                .with(gamification.visit(credit));
        for (CreditItems.Item counter : counters.items()) {
            extras = extras.with(counter);
        }
        CreditResult result;
        try {
            result = ledgerCredit(credit, extras);
        } catch (DomainException e) {
            // a concurrent submission of this user credited it first, with a bonus its campaigns' budgets left then
            ReceiptClaim first = "receipt_details_differ".equals(e.code())
                    ? claims.find(claim.storeId(), claim.receiptId()).orElse(null) : null;
            if (first != null && first.credited() && isRetry(first, claim.userId(), receipt)) {
                return first.result();
            }
            throw e;
        }
        if (!result.applied()) { // a concurrent submission of this user credited it first: its claim tells the details
            ReceiptClaim first = claims.find(claim.storeId(), claim.receiptId()).orElseThrow(
                    () -> new IllegalStateException("claim " + claim.creditId() + " credited but not stored"));
            if (!isRetry(first, claim.userId(), receipt)) {
                throw conflict(first, claim.userId(), receipt);
            }
        }
        return afterCredit(claim, result);
    }

    /**
     * Credits a claim stored {@code PENDING} (approved after review, or left by an older version): counted against the
     * daily limits first (once per claim), then credited in one transaction with the claim marked {@code CREDITED}.
     */
    private ReceiptResult creditPending(ReceiptClaim claim, boolean releaseIfOverLimit) {
        LogContext.put("userId", claim.userId(), "storeId", claim.storeId(), "receiptId", claim.receiptId(), "creditId", claim.creditId());
        countOrRelease(claim, releaseIfOverLimit);
        Credit credit = creditOf(claim, new Earning(claim.coins(), claim.xp()));
        CreditResult result = ledgerCredit(credit, CreditItems.none().with(claims.settleCredited(claim)).with(gamification.visit(credit)));
        ReceiptResult receiptResult = afterCredit(claim, result);
        if (!result.applied()) { // credited before, the claim not marked: mark it now
            claims.markCredited(claim, ReceiptClaims.result(claim, result, false));
        }
        return receiptResult;
    }

    /** The ledger credit of a claim, with the lines that earned it (a reviewed claim: the base rule alone). */
    private static Credit creditOf(ReceiptClaim claim, Earning earning) {
        return new Credit(claim.userId(), claim.creditId(), claim.coins(), claim.xp(), CreditKind.RECEIPT,
                Map.of("storeId", claim.storeId(), "receiptId", claim.receiptId(), "amount", claim.amount().toPlainString(),
                        "purchasedAt", claim.purchasedAt().toString()), earning.lines());
    }

    /** The ledger's credit; its {@code credit_mismatch} is a receipt submitted again with other details. */
    private CreditResult ledgerCredit(Credit credit, CreditItems extras) {
        try {
            return ledger.credit(credit, extras);
        } catch (DomainException e) {
            if ("credit_mismatch".equals(e.code())) {
                throw DomainException.conflict("receipt_details_differ",
                        "You already submitted this receipt with a different amount or purchase time");
            }
            throw e;
        }
    }

    private ReceiptResult afterCredit(ReceiptClaim claim, CreditResult credit) {
        ReceiptResult result = ReceiptClaims.result(claim, credit, !credit.applied());
        gamification.onCredited(credit);
        if (credit.applied()) {
            publishEffects(claim, credit);
        }
        return result;
    }

    private void publishEffects(ReceiptClaim claim, CreditResult credit) {
        try {
            effects.publish(claim.userId(), "coin_earned", Map.of("coins", claim.coins(), "xp", claim.xp(),
                    "storeId", claim.storeId(), "receiptId", claim.receiptId()));
            if (credit.leveledUp()) {
                effects.publish(claim.userId(), "level_up", Map.of("level", credit.levelAfter(),
                        "previousLevel", credit.levelBefore()));
            }
        } catch (RuntimeException e) {
            // The credit is stored; an effect is a bonus and never fails the request.
            LOG.warn("receipts: effect not published", e, "creditId", claim.creditId());
        }
    }

    private Store verify(ReceiptSubmission receipt, boolean signed, Optional<Store> found) {
        Store store = found.orElseThrow(() -> DomainException.rejected("unknown_store",
                "There is no store '" + receipt.storeId() + "' in this mall", "storeId"));
        if (!store.active()) {
            throw DomainException.rejected("store_inactive", store.name() + " does not take part in MallQuest at the moment", "storeId");
        }
        if (!signed && store.verification() == Verification.SIGNED) {
            throw DomainException.rejected("signature_required", store.name()
                    + " credits signed receipts only: scan the QR code on the receipt and send it as {\"code\": …}", "code");
        }
        Instant now = clock.instant();
        if (receipt.purchasedAt().isAfter(now.plus(rules.clockSkew()))) {
            throw DomainException.rejected("purchase_in_future", "purchasedAt lies in the future", "purchasedAt");
        }
        if (receipt.purchasedAt().isBefore(now.minus(rules.claimWindow()))) {
            throw DomainException.rejected("receipt_too_old",
                    "Receipts can be claimed for " + rules.claimWindow().toDays() + " days after the purchase", "purchasedAt");
        }
        if (receipt.amount().compareTo(rules.mallMaxAmount()) > 0) {
            throw DomainException.rejected("amount_above_mall_limit",
                    "A receipt above " + rules.mallMaxAmount().toPlainString() + " cannot be claimed; ask at the mall's information desk", "amount");
        }
        if (store.maxReceiptAmount() != null && receipt.amount().compareTo(store.maxReceiptAmount()) > 0) {
            throw DomainException.rejected("amount_above_store_limit",
                    "The amount is above what " + store.name() + " accepts for one receipt (" + store.maxReceiptAmount().toPlainString() + ")", "amount");
        }
        return store;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static DomainException notFound(String storeId, String receiptId) {
        return DomainException.notFound("receipt_not_found", "No receipt " + receiptId + " of store " + storeId + " was submitted");
    }
}
