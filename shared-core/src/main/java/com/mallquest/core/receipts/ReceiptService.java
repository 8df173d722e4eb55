package com.mallquest.core.receipts;

import com.mallquest.core.config.Settings;
import com.mallquest.core.domain.DomainException;
import com.mallquest.core.effects.EffectPublisher;
import com.mallquest.core.http.ApiException;
import com.mallquest.core.lambda.CoreServices;
import com.mallquest.core.ledger.Credit;
import com.mallquest.core.ledger.CreditInProgressException;
import com.mallquest.core.ledger.CreditKind;
import com.mallquest.core.ledger.CreditResult;
import com.mallquest.core.ledger.Ledger;
import com.mallquest.core.logging.Log;
import com.mallquest.core.logging.LogContext;
import com.mallquest.core.ratelimit.RateLimit;
import com.mallquest.core.ratelimit.RateLimiter;
import com.mallquest.core.rewards.Reward;
import com.mallquest.core.rewards.RewardRules;
import com.mallquest.core.stores.Store;
import com.mallquest.core.stores.StoreCatalogue;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies a receipt and credits its coins and XP exactly once.
 *
 * <ol>
 *   <li>rate limit per user ({@code RECEIPT_RATE_LIMIT}): 429 {@code rate_limited} with {@code Retry-After};</li>
 *   <li>verification, each a 422 with its own code: {@code unknown_store}, {@code store_inactive},
 *       {@code purchase_in_future} (beyond {@code RECEIPT_CLOCK_SKEW_SECONDS}), {@code receipt_too_old}
 *       (beyond {@code RECEIPT_CLAIM_WINDOW_DAYS}), {@code amount_above_mall_limit} ({@code RECEIPT_MAX_AMOUNT}),
 *       {@code amount_above_store_limit} (the store's {@code maxReceiptAmount});</li>
 *   <li>the claim {@code (storeId, receiptId)} is created once ({@link ReceiptClaims}); a claim by another user is
 *       409 {@code receipt_already_claimed}; the same user with other details is 409 {@code receipt_details_differ};</li>
 *   <li>the credit goes through the {@link Ledger} (idempotent per {@code receipt:<storeId>:<receiptId>});</li>
 *   <li>the claim is marked credited with the result, which a later identical submission gets back
 *       ({@code replayed=true});</li>
 *   <li>effects {@code coin_earned} (and {@code level_up}) are published for a credit this call made.</li>
 * </ol>
 * A crash after step 3 leaves a pending claim: the same submission again, or {@link #completePending} (the
 * cleanup job), finishes it with the amounts fixed at claim time.
 *
 * <pre>{@code
 * ReceiptService receipts = ReceiptService.of(core, effects);
 * ReceiptResult r = receipts.submit(caller.userId(), submission);
 * int finished = receipts.completePending(100);
 * }</pre>
 */
public final class ReceiptService {
    private static final Log LOG = Log.of(ReceiptService.class);

    /** The rate limiter's action name (key {@code mq:rl:receipts:{u:<id>}:<window>}). */
    public static final String RATE_LIMIT_ACTION = "receipts";

    private final ReceiptClaims claims;
    private final StoreCatalogue stores;
    private final Ledger ledger;
    private final RateLimiter limiter;
    private final EffectPublisher effects;
    private final Clock clock;
    private final Rules rules;

    /**
     * The verification settings.
     *
     * @param rateLimit      receipts per user per window
     * @param claimWindow    how old a purchase may be
     * @param clockSkew      how far in the future a purchase time may be
     * @param mallMaxAmount  the mall's ceiling for one receipt
     * @param pendingGrace   how long a claim may stay pending before {@link #completePending} takes it on
     */
    public record Rules(RateLimit rateLimit, Duration claimWindow, Duration clockSkew, BigDecimal mallMaxAmount,
                        Duration pendingGrace) {

        public static Rules from(Settings settings) {
            return new Rules(settings.receiptRateLimit(), settings.receiptClaimWindow(), settings.receiptClockSkew(),
                    BigDecimal.valueOf(settings.receiptMaxAmount()),
                    settings.creditLease().plusSeconds(30));
        }
    }

    public ReceiptService(CoreServices core, StoreCatalogue stores, Ledger ledger, RateLimiter limiter,
                          EffectPublisher effects, Rules rules) {
        this.claims = new ReceiptClaims(core.dynamoDb(), core.settings().receiptsTable());
        this.stores = stores;
        this.ledger = ledger;
        this.limiter = limiter;
        this.effects = effects;
        this.clock = core.clock();
        this.rules = rules;
    }

    /** The service of a container, publishing effects through {@code effects}. */
    public static ReceiptService of(CoreServices core, EffectPublisher effects) {
        return new ReceiptService(core, StoreCatalogue.of(core), Ledger.of(core), new RateLimiter(core.cache(), core.clock()),
                effects, Rules.from(core.settings()));
    }

    /**
     * Submits a receipt for {@code userId}: the result with {@code replayed=false} when this call credited it,
     * {@code replayed=true} when it had been credited for this user before.
     *
     * @throws ApiException 409, 422 or 429 as described on the class
     */
    public ReceiptResult submit(String userId, ReceiptSubmission submission) {
        LogContext.put("storeId", submission.storeId(), "receiptId", submission.receiptId());
        limiter.acquire(userId, RATE_LIMIT_ACTION, rules.rateLimit()).throwIfRefused();
        Store store = verify(submission);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Reward reward = RewardRules.reward(submission.amount(), store.multiplier());
        ReceiptClaim claim = new ReceiptClaim(userId, submission.storeId(), submission.receiptId(), submission.amount(),
                submission.purchasedAt(), now, reward.coins(), reward.xp(), ReceiptClaim.PENDING, null);
        LogContext.put("creditId", claim.creditId());

        Optional<ReceiptClaim> earlier = claims.create(claim);
        if (earlier.isPresent()) {
            ReceiptClaim existing = earlier.get();
            if (!existing.userId().equals(userId)) {
                throw ApiException.conflict("receipt_already_claimed",
                        "Receipt " + submission.receiptId() + " of store " + submission.storeId() + " was already claimed");
            }
            if (existing.amount().compareTo(submission.amount()) != 0 || !existing.purchasedAt().equals(submission.purchasedAt())) {
                throw ApiException.conflict("receipt_details_differ",
                        "You already submitted this receipt with a different amount or purchase time");
            }
            if (existing.credited()) {
                return existing.result();
            }
            claim = existing; // pending: an earlier attempt stopped half-way; finish it with its amounts
        }
        return credit(claim);
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
                credit(claim);
                completed++;
                LOG.info("receipts: pending claim completed");
            } catch (DomainException e) {
                // receipt_in_progress: a live attempt owns it and will finish it; anything else stays for next time
                LOG.warn("receipts: pending claim not completed", "creditId", claim.creditId(), "errorCode", e.code());
            } catch (RuntimeException e) {
                // e.g. throttling: one claim must not stop the others; it stays pending for the next run
                LOG.warn("receipts: pending claim not completed", e, "creditId", claim.creditId());
            }
        }
        return completed;
    }

    private ReceiptResult credit(ReceiptClaim claim) {
        LogContext.put("userId", claim.userId(), "storeId", claim.storeId(), "receiptId", claim.receiptId(), "creditId", claim.creditId());
        CreditResult credit;
        try {
            credit = ledger.credit(new Credit(claim.userId(), claim.creditId(), claim.coins(), claim.xp(), CreditKind.RECEIPT,
                    Map.of("storeId", claim.storeId(), "receiptId", claim.receiptId(), "amount", claim.amount().toPlainString())));
        } catch (CreditInProgressException e) {
            throw DomainException.conflict("receipt_in_progress",
                    "This receipt is being credited by another request; retry shortly").retryAfter(e.retryAfter());
        }
        ReceiptResult result = ReceiptClaims.result(claim, credit, !credit.applied());
        claims.markCredited(claim, result);
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

    private Store verify(ReceiptSubmission submission) {
        Store store = stores.find(submission.storeId()).orElseThrow(() -> ApiException.unprocessable("unknown_store",
                "There is no store '" + submission.storeId() + "' in this mall", "storeId"));
        if (!store.active()) {
            throw ApiException.unprocessable("store_inactive", store.name() + " does not take part in MallQuest at the moment", "storeId");
        }
        Instant now = clock.instant();
        if (submission.purchasedAt().isAfter(now.plus(rules.clockSkew()))) {
            throw ApiException.unprocessable("purchase_in_future", "purchasedAt lies in the future", "purchasedAt");
        }
        if (submission.purchasedAt().isBefore(now.minus(rules.claimWindow()))) {
            throw ApiException.unprocessable("receipt_too_old",
                    "Receipts can be claimed for " + rules.claimWindow().toDays() + " days after the purchase", "purchasedAt");
        }
        if (submission.amount().compareTo(rules.mallMaxAmount()) > 0) {
            throw ApiException.unprocessable("amount_above_mall_limit",
                    "A receipt above " + rules.mallMaxAmount().toPlainString() + " cannot be claimed; ask at the mall's information desk", "amount");
        }
        if (store.maxReceiptAmount() != null && submission.amount().compareTo(store.maxReceiptAmount()) > 0) {
            throw ApiException.unprocessable("amount_above_store_limit",
                    "The amount is above what " + store.name() + " accepts for one receipt (" + store.maxReceiptAmount().toPlainString() + ")", "amount");
        }
        return store;
    }
}
