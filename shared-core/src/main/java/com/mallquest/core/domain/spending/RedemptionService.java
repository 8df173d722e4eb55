package com.mallquest.core.domain.spending;

import com.mallquest.logging.Log;
import com.mallquest.core.platform.dynamo.Attributes;
import com.mallquest.core.platform.dynamo.PageCursor;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.ledger.Account;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.Ledger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import com.mallquest.core.platform.ratelimit.RateLimit;
import com.mallquest.core.platform.ratelimit.RateLimiter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.domain.spending.SpendingItems.COMPLETED;
import static com.mallquest.core.domain.spending.SpendingItems.INPROGRESS;
import static com.mallquest.core.domain.spending.SpendingItems.LEASE_UNTIL;
import static com.mallquest.core.domain.spending.SpendingItems.REJECTED;
import static com.mallquest.core.domain.spending.SpendingItems.REMAINING;
import static com.mallquest.core.domain.spending.SpendingItems.STATE;
import static com.mallquest.core.domain.spending.SpendingItems.USED;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * {@code POST /redemptions}: coins for a coupon, exactly once per {@code redemptionId}, without transactions. A
 * redemption is a chain of single-item conditional writes, each safe to repeat:
 * <ol>
 *   <li><b>record</b> {@code USER#<u>/REDEMPTION#<id>} put with {@code attribute_not_exists}: {@code INPROGRESS}, a
 *       lease, the payload hash, and everything fixed for every later attempt (price, coupon code, expiry). Found
 *       {@code COMPLETED}: the same coupon is replayed (200); {@code REJECTED}: the same refusal; another payload:
 *       409 {@code redemption_details_differ}; a live lease: 409 {@code redemption_in_progress}; an expired lease (the
 *       attempt died): taken over and continued from step 3.</li>
 *   <li>first attempt only: the reward is on offer ({@code reward_unavailable}), the level ({@code level_too_low}),
 *       a balance pre-check ({@code insufficient_balance}). A refusal marks the record {@code REJECTED}.</li>
 *   <li><b>per-user limit</b> ({@code USER#<u>/LIMIT#<reward>}: {@code used < perUserLimit}) and <b>stock</b>
 *       ({@code remaining >= 1}, decremented): {@link HeldCounters} holds keyed by the redemption id, so a repeat
 *       never counts twice; refused: {@code limit_reached} / {@code out_of_stock}, what was taken is released.</li>
 *   <li><b>debit</b>: {@link Ledger#credit} of {@code -costCoins} with credit id {@code redemption:<id>} (exactly once;
 *       the ledger never lets it take the balance below zero: {@code insufficient_balance}, stock and limit released).</li>
 *   <li><b>coupon</b> {@code COUPON#<code>} put with {@code attribute_not_exists} (a repeat finds its own).</li>
 *   <li>record → {@code COMPLETED} (listed in {@code owner-index}), then the holds are settled.</li>
 * </ol>
 * A crash after any write leaves an {@code INPROGRESS} record in the {@code due-index}: the same request after the
 * lease, or the cleanup job ({@link #resume}), completes it forward, or compensates when a step refuses. The
 * failure table is in {@code docs/rewards.md}.
 */
public final class RedemptionService {

    private static final Log LOG = Log.of(RedemptionService.class);

    /** The rate limiter's action name (key {@code mq:rl:redemptions:{u:<id>}:<window>}). */
    static final String ACTION = "redemptions";
    /** How long a refused redemption's record answers its repeats with the same refusal; then DynamoDB's TTL drops it. */
    static final Duration REFUSAL_KEPT = Duration.ofDays(7);

    /** How long a call waits for a concurrent attempt of the same redemption. */
    static final Duration WAIT_FOR_CONCURRENT = Duration.ofSeconds(2);

    private final DynamoDbClient dynamo;
    private final String table;
    private final RewardCatalogue catalogue;
    private final Ledger ledger;
    private final HeldCounters counters;
    private final EffectPublisher effects;
    private final Clock clock;
    private final Duration lease;
    private final Duration grace;
    private final RateLimiter limiter;
    private final RateLimit rateLimit;

    /**
     * @param lease how long one attempt owns a redemption; longer than the function's timeout
     *              ({@code CREDIT_LEASE_SECONDS}, the ledger's lease)
     * @param rateLimit redemption requests per user per window ({@code REDEMPTION_RATE_LIMIT}), counted by {@code limiter}
     */
    public RedemptionService(DynamoDbClient dynamo, String spendingTable, RewardCatalogue catalogue, Ledger ledger,
                             EffectPublisher effects, Clock clock, Duration lease, RateLimiter limiter,
                             RateLimit rateLimit) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.catalogue = catalogue;
        this.ledger = ledger;
        this.counters = new HeldCounters(dynamo, spendingTable);
        this.effects = effects;
        this.clock = clock;
        this.lease = lease;
        this.grace = Duration.ofSeconds(30);
        this.limiter = limiter;
        this.rateLimit = rateLimit;
    }


    /**
     * Redeems for {@code userId}: the redemption with {@code replayed=false} when this call completed it.
     *
     * @throws DomainException 409 {@code redemption_details_differ} / {@code redemption_in_progress}; 422
     *                         {@code unknown_reward}, {@code reward_unavailable}, {@code level_too_low},
     *                         {@code insufficient_balance}, {@code out_of_stock}, {@code limit_reached}; 429
     *                         {@code rate_limited} past {@code REDEMPTION_RATE_LIMIT} requests of the user (every
     *                         request counts, replays and refusals too: the limit bounds a caller's work)
     */
    public Redemption redeem(String userId, RedemptionRequest request) {
        limiter.acquire(userId, ACTION, rateLimit).throwIfRefused();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        CatalogueReward reward = catalogue.find(request.rewardId()).orElse(null);
        if (reward == null) {
            Map<String, AttributeValue> earlier = get(SpendingItems.redemptionKey(userId, request.redemptionId()));
            if (earlier == null) {
                throw DomainException.rejected("unknown_reward", "There is no reward '" + request.rewardId() + "'", "rewardId");
            }
            return continueExisting(SpendingItems.redemption(earlier), request);
        }
        RedemptionRecord fresh = new RedemptionRecord(userId, request.redemptionId(), request.payloadHash(),
                reward.rewardId(), reward.title(), reward.storeId(), reward.costCoins(), reward.stockLimited(),
                reward.perUserLimit(), CouponCode.generate(), now.plus(Duration.ofDays(reward.couponValidDays())), now,
                INPROGRESS, null, null, null, null);
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(SpendingItems.newRedemption(fresh, now.plus(lease), now.plus(lease).plus(grace)))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : get(SpendingItems.redemptionKey(userId, request.redemptionId()));
            return continueExisting(SpendingItems.redemption(existing), request);
        }
        precheck(fresh, reward, now);
        return run(fresh);
    }

    /**
     * Finishes a redemption left {@code INPROGRESS} past its lease (the cleanup job): forward when every step still
     * succeeds, else compensated and {@code REJECTED}.
     *
     * @return true when this call finished it; false when it was finished already or a live attempt owns it
     */
    boolean resume(Map<String, AttributeValue> item) {
        RedemptionRecord record = SpendingItems.redemption(item);
        if (!INPROGRESS.equals(record.state())) {
            return false;
        }
        if (!takeOver(record)) {
            return false;
        }
        try {
            run(record);
        } catch (DomainException e) {
            // refused and compensated: the record says REJECTED
        }
        return true;
    }

    /** A page of the user's completed redemptions, newest first. */
    public RedemptionPage list(String userId, int limit, String cursor) {
        if (limit < 1 || limit > 100) {
            throw DomainException.invalid("limit", "limit must be between 1 and 100");
        }
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(SpendingItems.OWNER_INDEX)
                .keyConditionExpression("#o = :o")
                .expressionAttributeNames(Map.of("#o", SpendingItems.OWNER_ID))
                .expressionAttributeValues(Map.of(":o", s(userId)))
                .scanIndexForward(false)
                .limit(limit);
        if (cursor != null && !cursor.isBlank()) {
            query.exclusiveStartKey(decodeCursor(userId, cursor));
        }
        QueryResponse response = dynamo.query(query.build());
        List<Redemption> page = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            page.add(SpendingItems.redemption(item).view(false));
        }
        Map<String, String> states = couponStates(page.stream().map(Redemption::couponCode).toList());
        page.replaceAll(r -> r.withCouponState(states.get(r.couponCode())));
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? encodeCursor(response.lastEvaluatedKey()) : null;
        return new RedemptionPage(List.copyOf(page), next);
    }

    /** The state now of each coupon (one BatchGetItem of at most 100 keys, unprocessed keys read again). */
    private Map<String, String> couponStates(List<String> codes) {
        Map<String, String> states = new HashMap<>();
        if (codes.isEmpty()) {
            return states;
        }
        List<Map<String, AttributeValue>> keys = codes.stream().distinct()
                .map(code -> SpendingItems.couponKey(CouponCode.canonical(code))).toList();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        Instant now = clock.instant();
        for (int attempt = 0; !request.isEmpty() && attempt < 5; attempt++) {
            BatchGetItemResponse response = dynamo.batchGetItem(BatchGetItemRequest.builder().requestItems(request).build());
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                Coupon coupon = SpendingItems.coupon(item);
                states.put(coupon.couponCode(), coupon.stateAt(now));
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return states;
    }

    // ---- the chain -------------------------------------------------------------------------------------

    private Redemption continueExisting(RedemptionRecord existing, RedemptionRequest request) {
        long waitUntil = System.nanoTime() + WAIT_FOR_CONCURRENT.toNanos();
        RedemptionRecord record = existing;
        while (true) {
            if (!record.payloadHash().equals(request.payloadHash())) {
                throw DomainException.conflict("redemption_details_differ",
                        "Redemption " + request.redemptionId() + " was made for another reward; use a new redemptionId");
            }
            switch (record.state()) {
                case COMPLETED:
                    return record.view(true);
                case REJECTED:
                    throw DomainException.rejected(record.errorCode(), record.errorMessage());
                default:
                    break;
            }
            if (takeOver(record)) {
                return run(record);
            }
            if (System.nanoTime() > waitUntil) {
                throw DomainException.conflict("redemption_in_progress",
                        "This redemption is being completed by another request; retry shortly").retryAfter(Duration.ofSeconds(1));
            }
            sleep();
            record = SpendingItems.redemption(get(SpendingItems.redemptionKey(record.userId(), record.redemptionId())));
        }
    }

    /** Compare-and-set of an expired lease: true when this attempt now owns the record. */
    private boolean takeOver(RedemptionRecord record) {
        Instant now = clock.instant();
        if (record.leaseUntil() == null || record.leaseUntil() > now.toEpochMilli()) {
            return false;
        }
        try {
            dynamo.updateItem(SpendingItems.takeOverLease(table, SpendingItems.redemptionKey(record.userId(), record.redemptionId()),
                    record.leaseUntil(), now.plus(lease).toEpochMilli()));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private void precheck(RedemptionRecord record, CatalogueReward reward, Instant now) {
        if (!reward.availableAt(now)) {
            throw reject(record, "reward_unavailable", "'" + reward.title() + "' is not on offer at the moment");
        }
        Account account = ledger.account(record.userId());
        if (account.level() < reward.minLevel()) {
            throw reject(record, "level_too_low", "'" + reward.title() + "' needs level " + reward.minLevel()
                    + "; you are level " + account.level());
        }
        if (account.coins() < reward.costCoins()) {
            throw reject(record, "insufficient_balance", insufficientMessage(record, account.coins()));
        }
    }

    private Redemption run(RedemptionRecord record) {
        String rid = record.redemptionId();
        String hold = record.holdId();
        Map<String, AttributeValue> limitKey = SpendingItems.limitKey(record.userId(), record.rewardId());
        Map<String, AttributeValue> rewardKey = SpendingItems.rewardKey(record.rewardId());
        if (record.perUserLimit() != null) {
            HeldCounters.Take taken = counters.take(limitKey, USED, 1, hold,
                    "attribute_not_exists(#c) OR #c < :limit", Map.of(":limit", n(record.perUserLimit())));
            if (taken == HeldCounters.Take.REFUSED) {
                throw reject(record, "limit_reached", "You have redeemed '" + record.title() + "' "
                        + record.perUserLimit() + " time(s), the most one shopper may");
            }
        }
        if (record.stockLimited()) {
            HeldCounters.Take taken = counters.take(rewardKey, REMAINING, -1, hold, "#c >= :one", Map.of(":one", n(1)));
            if (taken == HeldCounters.Take.REFUSED) {
                releaseLimit(record);
                throw reject(record, "out_of_stock", "'" + record.title() + "' is out of stock");
            }
        }
        CreditResult debit;
        try {
            debit = ledger.credit(new Credit(record.userId(), record.debitId(), -record.costCoins(), 0, CreditKind.REDEMPTION,
                    Map.of("rewardId", record.rewardId(), "redemptionId", rid, "couponCode", record.couponCode(),
                            "title", record.title())));
        } catch (DomainException e) {
            if (!"insufficient_balance".equals(e.code())) {
                throw e;
            }
            releaseCounters(record);
            throw reject(record, "insufficient_balance", insufficientMessage(record, ledger.account(record.userId()).coins()));
        }
        issueCoupon(record);
        long balance = debit.account().coins();
        complete(record, balance);
        if (record.stockLimited()) {
            counters.settle(rewardKey, hold);
            catalogue.invalidate();
        }
        if (record.perUserLimit() != null) {
            counters.settle(limitKey, hold);
        }
        RedemptionRecord done = new RedemptionRecord(record.userId(), rid, record.payloadHash(), record.rewardId(),
                record.title(), record.storeId(), record.costCoins(), record.stockLimited(), record.perUserLimit(),
                record.couponCode(), record.couponExpiresAt(), record.createdAt(), COMPLETED, balance, null, null, null);
        if (debit.applied()) {
            publish(record);
        }
        return done.view(false);
    }

    private void issueCoupon(RedemptionRecord record) {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(SpendingItems.newCoupon(record, record.createdAt()))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> existing = e.hasItem() && !e.item().isEmpty() ? e.item()
                    : get(SpendingItems.couponKey(CouponCode.canonical(record.couponCode())));
            if (existing == null || !record.redemptionId().equals(Attributes.string(existing, "redemptionId"))
                    || !record.userId().equals(Attributes.string(existing, "userId"))) {
                // 80 random bits: a collision is not expected in the life of the universe; never hand out another's coupon
                throw new IllegalStateException("coupon code collision for redemption " + record.redemptionId());
            }
        }
    }

    private void complete(RedemptionRecord record, long balance) {
        Instant now = clock.instant();
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(SpendingItems.redemptionKey(record.userId(), record.redemptionId()))
                    .updateExpression("SET #state = :completed, balanceAfter = :balance, completedAt = :now, "
                            + "#owner = :owner, #ownedAt = :ownedAt REMOVE #lease, #dueShard, #dueAt")
                    .conditionExpression("#state = :inprogress OR #state = :completed")
                    .expressionAttributeNames(Map.of("#state", STATE, "#owner", SpendingItems.OWNER_ID,
                            "#ownedAt", SpendingItems.OWNED_AT, "#lease", LEASE_UNTIL,
                            "#dueShard", SpendingItems.DUE_SHARD, "#dueAt", SpendingItems.DUE_AT))
                    .expressionAttributeValues(Map.of(":completed", s(COMPLETED), ":inprogress", s(INPROGRESS),
                            ":balance", n(balance), ":now", s(now.toString()), ":owner", s(record.userId()),
                            ":ownedAt", s(SpendingItems.SORTABLE_TIME.format(record.createdAt()) + "#" + record.redemptionId())))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("redemption " + record.redemptionId() + " was rejected while its coupon was issued");
        }
    }

    /** Releases the limit and stock this redemption holds (compensation before a refusal). */
    private void releaseCounters(RedemptionRecord record) {
        if (record.stockLimited()) {
            counters.release(SpendingItems.rewardKey(record.rewardId()), REMAINING, -1, record.holdId());
        }
        releaseLimit(record);
    }

    private void releaseLimit(RedemptionRecord record) {
        if (record.perUserLimit() != null) {
            counters.release(SpendingItems.limitKey(record.userId(), record.rewardId()), USED, 1, record.holdId());
        }
    }

    /**
     * Marks the record REJECTED with the refusal a repeat will get (for {@link #REFUSAL_KEPT}: the record then
     * expires), and throws it (what it held is released first).
     */
    private DomainException reject(RedemptionRecord record, String code, String message) {
        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(SpendingItems.redemptionKey(record.userId(), record.redemptionId()))
                .updateExpression("SET #state = :rejected, errorCode = :code, errorMessage = :message, #ttl = :ttl "
                        + "REMOVE #lease, #dueShard, #dueAt")
                .expressionAttributeNames(Map.of("#state", STATE, "#lease", LEASE_UNTIL,
                        "#dueShard", SpendingItems.DUE_SHARD, "#dueAt", SpendingItems.DUE_AT,
                        "#ttl", SpendingItems.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":rejected", s(REJECTED), ":code", s(code), ":message", s(message),
                        ":ttl", n(clock.instant().plus(REFUSAL_KEPT).getEpochSecond())))
                .build());
        throw DomainException.rejected(code, message);
    }

    private static String insufficientMessage(RedemptionRecord record, long balance) {
        return "'" + record.title() + "' costs " + record.costCoins() + " coins; the balance is " + balance;
    }

    private void publish(RedemptionRecord record) {
        try {
            Map<String, Object> data = new HashMap<>(Map.of("rewardId", record.rewardId(), "title", record.title(),
                    "coinsSpent", record.costCoins(), "couponCode", record.couponCode()));
            if (record.storeId() != null) {
                data.put("storeId", record.storeId());
            }
            effects.publish(record.userId(), "reward_redeemed", data);
        } catch (RuntimeException e) {
            LOG.warn("effect not published", e, "effectType", "reward_redeemed", "redemptionId", record.redemptionId(),
                    "userId", record.userId());
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a concurrent redemption", e);
        }
    }

    private static String encodeCursor(Map<String, AttributeValue> lastKey) {
        return PageCursor.encode(lastKey.get(SpendingItems.SK).s(), lastKey.get(SpendingItems.OWNED_AT).s());
    }

    private static Map<String, AttributeValue> decodeCursor(String userId, String cursor) {
        List<String> parts = PageCursor.decode(cursor, 2, p -> p.get(0).startsWith(SpendingItems.REDEMPTION_PREFIX));
        return Map.of(SpendingItems.PK, s("USER#" + userId), SpendingItems.SK, s(parts.get(0)),
                SpendingItems.OWNER_ID, s(userId), SpendingItems.OWNED_AT, s(parts.get(1)));
    }
}
