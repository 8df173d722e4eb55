package com.mallquest.core.domain.spending;

import com.mallquest.logging.Log;
import com.mallquest.core.platform.dynamo.PageCursor;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditItems;
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
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

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
import static com.mallquest.core.domain.spending.SpendingItems.REJECTED;
import static com.mallquest.core.domain.spending.SpendingItems.REMAINING;
import static com.mallquest.core.domain.spending.SpendingItems.USED;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * {@code POST /redemptions}: coins for a coupon, exactly once per {@code redemptionId}, as one ledger debit
 * ({@link Ledger#credit(Credit, CreditItems)}: one consistent read of the profile, one transaction). The debit of
 * {@code -costCoins} (credit id {@code redemption:<id>}) carries as extra items, all or nothing:
 * <ol>
 *   <li>the <b>redemption record</b> {@code USER#<u>/REDEMPTION#<id>}, {@code attribute_not_exists}, written
 *       {@code COMPLETED} at once (payload hash, price, coupon code, balance after; listed in {@code owner-index});
 *       found: same payload → the recorded answer, another payload → 409 {@code redemption_details_differ};</li>
 *   <li>the <b>coupon</b> {@code COUPON#<code>}, {@code attribute_not_exists} (80 random bits: a collision is a bug);</li>
 *   <li>the reward's <b>stock</b>: {@code ADD remaining -1} if {@code remaining >= 1}, else {@code out_of_stock};</li>
 *   <li>the <b>per-user count</b> {@code USER#<u>/LIMIT#<reward>}: {@code ADD used 1} if {@code used < perUserLimit},
 *       else {@code limit_reached};</li>
 * </ol>
 * and two requirements on the profile as read ({@code level_too_low}, {@code insufficient_balance}), decided on the
 * version the transaction is conditioned on. The debit's credit record existing means the redemption was made before
 * (a retry, a concurrent or late copy): the answer is its record. A crash before the transaction leaves nothing, after
 * it the whole redemption: the retry is a replay. A refusal changes nothing; it is recorded {@code REJECTED} with a
 * TTL ({@link #REFUSAL_KEPT}) so that a repeat gets the same answer, unless the record exists (then that answers).
 *
 * <p>Conflicts: a debit whose profile moved on since the read (another credit of the same user) is read again and
 * retried by the ledger (bounded, jittered); a transaction cancelled by {@code TransactionConflict} (real DynamoDB,
 * e.g. 50 shoppers on one reward's stock item) is retried by {@code Transaction} with exponential backoff and full
 * jitter, then answered 503 {@code ledger_busy} with {@code Retry-After}. The failure table is in {@code docs/rewards.md}.
 */
public final class RedemptionService {

    private static final Log LOG = Log.of(RedemptionService.class);

    /** The rate limiter's action name (key {@code mq:rl:redemptions:{u:<id>}:<window>}). */
    static final String ACTION = "redemptions";
    /** How long a refused redemption's record answers its repeats with the same refusal; then DynamoDB's TTL drops it. */
    static final Duration REFUSAL_KEPT = Duration.ofDays(7);

    private final DynamoDbClient dynamo;
    private final String table;
    private final RewardCatalogue catalogue;
    private final Ledger ledger;
    private final EffectPublisher effects;
    private final Clock clock;
    private final RateLimiter limiter;
    private final RateLimit rateLimit;

    /** @param rateLimit redemption requests per user per window ({@code REDEMPTION_RATE_LIMIT}), counted by {@code limiter} */
    public RedemptionService(DynamoDbClient dynamo, String spendingTable, RewardCatalogue catalogue, Ledger ledger,
                             EffectPublisher effects, Clock clock, RateLimiter limiter, RateLimit rateLimit) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.catalogue = catalogue;
        this.ledger = ledger;
        this.effects = effects;
        this.clock = clock;
        this.limiter = limiter;
        this.rateLimit = rateLimit;
    }

    /** The redemption record found in the debit's transaction (or on a refusal's put): it answers the request. */
    private static final class Recorded extends RuntimeException {
        private final Map<String, AttributeValue> item;

        Recorded(Map<String, AttributeValue> item) {
            super("redemption recorded before", null, false, false);
            this.item = item;
        }
    }

    /**
     * Redeems for {@code userId}: the redemption with {@code replayed=false} when this call made it.
     *
     * @throws DomainException 409 {@code redemption_details_differ}; 422 {@code unknown_reward},
     *                         {@code reward_unavailable}, {@code level_too_low}, {@code insufficient_balance},
     *                         {@code out_of_stock}, {@code limit_reached}; 429 {@code rate_limited} past
     *                         {@code REDEMPTION_RATE_LIMIT} requests of the user (every request counts, replays and
     *                         refusals too: the limit bounds a caller's work); 503 {@code ledger_busy}
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
            return recorded(earlier, request);
        }
        RedemptionRecord record = new RedemptionRecord(userId, request.redemptionId(), request.payloadHash(),
                reward.rewardId(), reward.title(), reward.storeId(), reward.costCoins(), reward.stockLimited(),
                reward.perUserLimit(), CouponCode.generate(), now.plus(Duration.ofDays(reward.couponValidDays())), now,
                COMPLETED, null, null, null);
        try {
            if (!reward.availableAt(now)) {
                throw DomainException.rejected("reward_unavailable", "'" + reward.title() + "' is not on offer at the moment");
            }
            CreditResult debit = ledger.credit(new Credit(userId, record.debitId(), -record.costCoins(), 0,
                    CreditKind.REDEMPTION, Map.of("rewardId", record.rewardId(), "redemptionId", record.redemptionId(),
                            "couponCode", record.couponCode(), "title", record.title())), items(record, reward.minLevel()));
            if (!debit.applied()) {
                return recorded(get(SpendingItems.redemptionKey(userId, record.redemptionId())), request);
            }
            if (record.stockLimited()) {
                catalogue.invalidate();
            }
            publish(record);
            return record.view(debit.account().coins(), false);
        } catch (Recorded e) {
            return recorded(e.item, request);
        } catch (DomainException e) {
            if ("credit_mismatch".equals(e.code())) {
                // the debit id was used for another price: another reward under this redemption id
                return recorded(get(SpendingItems.redemptionKey(userId, record.redemptionId())), request);
            }
            if (e.kind() != DomainException.Kind.REJECTED) {
                throw e;
            }
            return refused(record, request, e);
        }
    }

    /**
     * The debit's extra items, in the order a cancellation is explained: the record first (a repeat is answered by
     * it, whatever else would refuse), then the coupon, the stock and the per-user count; and the profile's
     * requirements. Audit entries or campaign items would be more {@code .with(...)} here.
     */
    private CreditItems items(RedemptionRecord record, int minLevel) {
        CreditItems items = CreditItems.none()
                .with(outcome -> put(SpendingItems.completedRedemption(record, outcome.account().coins(), outcome.creditedAt())),
                        old -> new Recorded(old.isEmpty() ? get(SpendingItems.redemptionKey(record.userId(), record.redemptionId())) : old))
                .with(put(SpendingItems.newCoupon(record, record.createdAt())), old -> new IllegalStateException(
                        // 80 random bits: a collision is not expected in the life of the universe; never hand out another's coupon
                        "coupon code collision for redemption " + record.redemptionId()))
                .requiring(before -> before.level() >= minLevel ? null : DomainException.rejected("level_too_low",
                        "'" + record.title() + "' needs level " + minLevel + "; you are level " + before.level()))
                .requiring(before -> before.coins() >= record.costCoins() ? null
                        : DomainException.rejected("insufficient_balance", insufficientMessage(record, before.coins())));
        if (record.stockLimited()) {
            items = items.with(add(SpendingItems.rewardKey(record.rewardId()), REMAINING, -1, "#c >= :one", Map.of(":one", n(1))),
                    old -> DomainException.rejected("out_of_stock", "'" + record.title() + "' is out of stock"));
        }
        if (record.perUserLimit() != null) {
            items = items.with(add(SpendingItems.limitKey(record.userId(), record.rewardId()), USED, 1,
                            "attribute_not_exists(#c) OR #c < :limit", Map.of(":limit", n(record.perUserLimit()))),
                    old -> DomainException.rejected("limit_reached", "You have redeemed '" + record.title() + "' "
                            + record.perUserLimit() + " time(s), the most one shopper may"));
        }
        return items;
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    /** {@code ADD counter :delta} under {@code bound} (a condition on {@code #c}). */
    private TransactWriteItem add(Map<String, AttributeValue> key, String counter, long delta, String bound,
                                  Map<String, AttributeValue> boundValues) {
        Map<String, AttributeValue> values = new HashMap<>(boundValues);
        values.put(":d", n(delta));
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key)
                .updateExpression("ADD #c :d").conditionExpression(bound)
                .expressionAttributeNames(Map.of("#c", counter)).expressionAttributeValues(values).build()).build();
    }

    /**
     * A refusal: recorded {@code REJECTED} (for {@link #REFUSAL_KEPT}) unless the redemption was recorded before, in
     * which case that record answers (a replay of a completed redemption is never refused by a later balance).
     */
    private Redemption refused(RedemptionRecord record, RedemptionRequest request, DomainException refusal) {
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(SpendingItems.rejectedRedemption(record, refusal.code(), refusal.getMessage(),
                            clock.instant().plus(REFUSAL_KEPT)))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
        } catch (ConditionalCheckFailedException e) {
            return recorded(e.hasItem() && !e.item().isEmpty() ? e.item()
                    : get(SpendingItems.redemptionKey(record.userId(), record.redemptionId())), request);
        }
        throw refusal;
    }

    /** The answer a redemption's record gives a repeat of it. */
    private static Redemption recorded(Map<String, AttributeValue> item, RedemptionRequest request) {
        if (item == null) {
            throw new IllegalStateException("redemption " + request.redemptionId() + " has a debit but no record");
        }
        RedemptionRecord record = SpendingItems.redemption(item);
        if (!record.payloadHash().equals(request.payloadHash())) {
            throw DomainException.conflict("redemption_details_differ",
                    "Redemption " + request.redemptionId() + " was made for another reward; use a new redemptionId");
        }
        switch (record.state()) {
            case COMPLETED:
                return record.view(true);
            case REJECTED:
                throw DomainException.rejected(record.errorCode(), record.errorMessage());
            default: // INPROGRESS: left by the lease protocol of an earlier release (docs/deployment.md)
                throw DomainException.conflict("redemption_in_progress",
                        "This redemption is being completed; retry shortly").retryAfter(Duration.ofSeconds(1));
        }
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

    private static String encodeCursor(Map<String, AttributeValue> lastKey) {
        return PageCursor.encode(lastKey.get(SpendingItems.SK).s(), lastKey.get(SpendingItems.OWNED_AT).s());
    }

    private static Map<String, AttributeValue> decodeCursor(String userId, String cursor) {
        List<String> parts = PageCursor.decode(cursor, 2, p -> p.get(0).startsWith(SpendingItems.REDEMPTION_PREFIX));
        return Map.of(SpendingItems.PK, s("USER#" + userId), SpendingItems.SK, s(parts.get(0)),
                SpendingItems.OWNER_ID, s(userId), SpendingItems.OWNED_AT, s(parts.get(1)));
    }
}
