package com.mallquest.core.ledger;

import com.mallquest.core.cache.Cache;
import com.mallquest.core.cache.CacheKeys;
import com.mallquest.core.http.ApiException;
import com.mallquest.core.lambda.CoreServices;
import com.mallquest.core.rewards.RewardRules;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.ledger.LedgerItems.n;
import static com.mallquest.core.ledger.LedgerItems.s;

/**
 * The users' balances: the one place coins and XP change, exactly once per credit id.
 *
 * <p>DynamoDB Local stand-ins (dynalite) have no transactions, so a credit is a short sequence of
 * single-item conditional writes, each safe to repeat, under one user partition ({@code pk=USER#<id>}):
 * <ol>
 *   <li><b>credit record</b> {@code sk=CREDIT#<creditId>} put with {@code attribute_not_exists}: state
 *       {@code PENDING}, the amounts, the credit's time and a lease. If it exists already the call is a replay
 *       ({@code APPLIED}: the recorded result is returned), waits for the live attempt holding the lease, or
 *       takes over an attempt whose lease expired (it crashed).</li>
 *   <li><b>profile</b> {@code sk=PROFILE}: {@code ADD coins, xp, version, inFlight {creditId}} under the
 *       condition {@code NOT contains(inFlight, :creditId)}, so the amounts are added once even when this
 *       step is repeated after a crash. {@code ADD} is atomic: concurrent credits never lose an update.</li>
 *   <li><b>activity record</b> {@code sk=ACT#<time>#<creditId>}: a put of a fixed key and content.</li>
 *   <li>credit record → {@code APPLIED} with the resulting balance (what a replay returns).</li>
 *   <li>profile: {@code DELETE inFlight {creditId}} (the set only holds credits between steps 2 and 5).</li>
 * </ol>
 * Every write to a user deletes the cached user view ({@link CacheKeys#userView}). A crash after any step
 * leaves a {@code PENDING} record; calling {@link #credit} again with the same credit (a client retry, or the
 * receipts cleanup) completes it. The lease ({@code CREDIT_LEASE_SECONDS}) must exceed the longest timeout
 * of a function that credits, so that at most one attempt per credit is ever alive.
 *
 * A replay also repeats step 5, so an attempt that died between steps 4 and 5 leaves nothing behind once the
 * credit is retried.
 *
 * <p>Errors are {@link ApiException}s with stable codes: 409 {@code credit_in_progress} (another attempt holds
 * the lease; retry after {@code Retry-After}), 409 {@code credit_mismatch} (the credit id was used with other
 * amounts), 422 {@code insufficient_balance} (a negative adjustment larger than the balance).
 *
 * <pre>{@code
 * Ledger ledger = Ledger.of(core);
 * CreditResult r = ledger.credit(new Credit("u-1", "receipt:zara:R-1", 251, 125, CreditKind.RECEIPT, Map.of()));
 * ActivityPage page = ledger.activity("u-1", 20, null);
 * }</pre>
 */
public final class Ledger {

    /** How long a call waits for a concurrent attempt of the same credit before answering {@code credit_in_progress}. */
    static final Duration WAIT_FOR_CONCURRENT = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 50;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Cache cache;
    private final Clock clock;
    private final Duration lease;

    /**
     * @param usersTable the Users table ({@code USERS_TABLE})
     * @param lease      how long one attempt owns a pending credit; longer than any crediting function's timeout
     */
    public Ledger(DynamoDbClient dynamo, String usersTable, Cache cache, Clock clock, Duration lease) {
        this.dynamo = dynamo;
        this.table = usersTable;
        this.cache = cache;
        this.clock = clock;
        this.lease = lease;
    }

    /** The ledger of a container's services. */
    public static Ledger of(CoreServices core) {
        return new Ledger(core.dynamoDb(), core.settings().usersTable(), core.cache(), core.clock(),
                core.settings().creditLease());
    }

    /**
     * Applies {@code credit} once. A second call with the same {@code (userId, creditId)} returns the first
     * call's result with {@code applied=false}; a call that finds the credit half-done (a crashed attempt)
     * completes it and returns {@code applied=true}.
     */
    public CreditResult credit(Credit credit) {
        Ownership ownership = acquire(credit);
        if (ownership.appliedRecord() != null) {
            // An attempt that stopped between steps 4 and 5 left the id in flight; no attempt can add it again.
            removeFromInFlight(credit);
            return LedgerItems.replayedResult(credit.userId(), ownership.appliedRecord());
        }
        return apply(credit, ownership.at());
    }

    /** The user's account (a strongly consistent read); {@link Account#empty} for a user never credited. */
    public Account account(String userId) {
        Map<String, AttributeValue> item = get(LedgerItems.profileKey(userId));
        return item == null ? Account.empty(userId) : LedgerItems.account(userId, item);
    }

    /**
     * A page of the user's activity, newest first.
     *
     * @param limit  1..100 entries
     * @param cursor null for the first page, else a previous page's {@link ActivityPage#nextCursor()}
     * @throws ApiException 400 {@code invalid_field} for a bad limit or cursor
     */
    public ActivityPage activity(String userId, int limit, String cursor) {
        if (limit < 1 || limit > 100) {
            throw ApiException.invalidField("limit", "limit must be between 1 and 100");
        }
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :act)")
                .expressionAttributeValues(Map.of(":pk", s(LedgerItems.userPk(userId)), ":act", s(LedgerItems.ACTIVITY_PREFIX)))
                .scanIndexForward(false)
                .limit(limit);
        if (cursor != null && !cursor.isBlank()) {
            query.exclusiveStartKey(Map.of("pk", s(LedgerItems.userPk(userId)), "sk", s(decodeCursor(cursor))));
        }
        QueryResponse response = dynamo.query(query.build());
        List<ActivityEntry> entries = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            entries.add(LedgerItems.activityEntry(item));
        }
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? encodeCursor(response.lastEvaluatedKey().get("sk").s()) : null;
        return new ActivityPage(List.copyOf(entries), next);
    }

    // ---- step 1: the credit record ------------------------------------------------------------------

    /** Either this attempt owns the pending credit (its time {@code at}), or the credit was applied before. */
    private record Ownership(Instant at, Map<String, AttributeValue> appliedRecord) { }

    /** Step 1: creates or takes over the credit's record, or finds it applied. */
    private Ownership acquire(Credit credit) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, AttributeValue> existing;
        try {
            dynamo.putItem(PutItemRequest.builder()
                    .tableName(table)
                    .item(LedgerItems.pendingCredit(credit, now, now.plus(lease)))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return new Ownership(now, null);
        } catch (ConditionalCheckFailedException e) {
            existing = oldItemOr(e, LedgerItems.creditKey(credit));
        }
        long waitUntil = System.nanoTime() + WAIT_FOR_CONCURRENT.toNanos();
        while (true) {
            if (existing == null) {
                throw new IllegalStateException("credit record " + credit.creditId() + " vanished");
            }
            LedgerItems.requireSameAmounts(credit, existing);
            String state = existing.get("state").s();
            if (LedgerItems.APPLIED.equals(state)) {
                return new Ownership(null, existing);
            }
            if (LedgerItems.REJECTED.equals(state)) {
                throw insufficient(credit);
            }
            Instant at = Instant.parse(existing.get("at").s());
            long leaseUntil = Long.parseLong(existing.get("leaseUntil").n());
            Instant now2 = clock.instant();
            if (leaseUntil <= now2.toEpochMilli() && takeOver(credit, leaseUntil, now2)) {
                return new Ownership(at, null);
            }
            if (System.nanoTime() > waitUntil) {
                throw new ApiException(409, "credit_in_progress",
                        "This credit is being applied by another request; retry shortly", null, Map.of("Retry-After", "1"));
            }
            sleep();
            existing = get(LedgerItems.creditKey(credit));
        }
    }

    /** Compare-and-set of an expired lease: true when this attempt now owns the pending credit. */
    private boolean takeOver(Credit credit, long expiredLease, Instant now) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(LedgerItems.creditKey(credit))
                    .updateExpression("SET leaseUntil = :lease")
                    .conditionExpression("#state = :pending AND leaseUntil = :old")
                    .expressionAttributeNames(Map.of("#state", "state"))
                    .expressionAttributeValues(Map.of(":lease", n(now.plus(lease).toEpochMilli()),
                            ":pending", s(LedgerItems.PENDING), ":old", n(expiredLease)))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ---- steps 2..5 ---------------------------------------------------------------------------------

    private CreditResult apply(Credit credit, Instant at) {
        String userId = credit.userId();
        Map<String, AttributeValue> profile = addToProfile(credit);
        cache.delete(CacheKeys.userView(userId));

        Account after = LedgerItems.account(userId, profile);
        int levelAfter = after.level();
        int levelBefore = RewardRules.levelFor(after.xp() - credit.xpDelta());
        storeLevel(userId, profile, after);

        dynamo.putItem(PutItemRequest.builder()
                .tableName(table)
                .item(LedgerItems.activity(credit, at))
                .build());
        cache.delete(CacheKeys.userView(userId));

        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(LedgerItems.creditKey(credit))
                .updateExpression("SET #state = :applied, levelBefore = :lb, coinsAfter = :c, xpAfter = :x, "
                        + "receiptsAfter = :r, versionAfter = :v, createdAfter = :ca, updatedAfter = :ua REMOVE leaseUntil")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":applied", s(LedgerItems.APPLIED), ":lb", n(levelBefore),
                        ":c", n(after.coins()), ":x", n(after.xp()), ":r", n(after.receiptsCredited()),
                        ":v", n(after.version()), ":ca", s(String.valueOf(after.createdAt())),
                        ":ua", s(String.valueOf(after.updatedAt()))))
                .build());

        removeFromInFlight(credit);
        return new CreditResult(true, credit, at, after, levelBefore, levelAfter);
    }

    /** Step 5: the profile no longer needs to remember this credit (its record says APPLIED). */
    private void removeFromInFlight(Credit credit) {
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(LedgerItems.profileKey(credit.userId()))
                    .updateExpression("DELETE inFlight :ids")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":ids", AttributeValue.builder().ss(credit.creditId()).build()))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            // no profile: nothing in flight
        }
    }

    /** Step 2: adds the amounts unless this credit is already in the profile's in-flight set; returns the profile after. */
    private Map<String, AttributeValue> addToProfile(Credit credit) {
        Map<String, String> names = new HashMap<>(Map.of("#inFlight", "inFlight", "#coins", "coins", "#xp", "xp",
                "#version", "version", "#receipts", "receiptsCredited", "#level", "level",
                "#userId", "userId", "#createdAt", "createdAt", "#updatedAt", "updatedAt"));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":cid", s(credit.creditId()));
        values.put(":ids", AttributeValue.builder().ss(credit.creditId()).build());
        values.put(":coins", n(credit.coinsDelta()));
        values.put(":xp", n(credit.xpDelta()));
        values.put(":one", n(1));
        values.put(":receipts", n(credit.kind() == CreditKind.RECEIPT ? 1 : 0));
        values.put(":uid", s(credit.userId()));
        values.put(":now", s(clock.instant().toString()));
        StringBuilder condition = new StringBuilder("NOT contains(#inFlight, :cid)");
        if (credit.coinsDelta() < 0) {
            condition.append(" AND #coins >= :needCoins");
            values.put(":needCoins", n(-credit.coinsDelta()));
        }
        if (credit.xpDelta() < 0) {
            condition.append(" AND #xp >= :needXp");
            values.put(":needXp", n(-credit.xpDelta()));
        }
        try {
            return dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(LedgerItems.profileKey(credit.userId()))
                    .updateExpression("SET #userId = :uid, #createdAt = if_not_exists(#createdAt, :now), #updatedAt = :now, "
                            + "#level = if_not_exists(#level, :one) "
                            + "ADD #coins :coins, #xp :xp, #version :one, #receipts :receipts, #inFlight :ids")
                    .conditionExpression(condition.toString())
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build()).attributes();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> current = oldItemOr(e, LedgerItems.profileKey(credit.userId()));
            if (current != null && current.containsKey("inFlight") && current.get("inFlight").ss().contains(credit.creditId())) {
                return current; // applied by an earlier attempt that stopped before step 5
            }
            markRejected(credit);
            throw insufficient(credit);
        }
    }

    /** Keeps the stored level in step with XP; a concurrent credit that moved XP on stores its own level. */
    private void storeLevel(String userId, Map<String, AttributeValue> profile, Account after) {
        AttributeValue stored = profile.get("level");
        if (stored != null && Integer.parseInt(stored.n()) == after.level()) {
            return;
        }
        try {
            dynamo.updateItem(UpdateItemRequest.builder()
                    .tableName(table)
                    .key(LedgerItems.profileKey(userId))
                    .updateExpression("SET #level = :level")
                    .conditionExpression("#xp = :xp")
                    .expressionAttributeNames(Map.of("#level", "level", "#xp", "xp"))
                    .expressionAttributeValues(Map.of(":level", n(after.level()), ":xp", n(after.xp())))
                    .build());
        } catch (ConditionalCheckFailedException e) {
            // XP moved on: the credit that moved it stores the level for the new XP.
        }
    }

    private void markRejected(Credit credit) {
        dynamo.updateItem(UpdateItemRequest.builder()
                .tableName(table)
                .key(LedgerItems.creditKey(credit))
                .updateExpression("SET #state = :rejected REMOVE leaseUntil")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":rejected", s(LedgerItems.REJECTED)))
                .build());
    }

    private static ApiException insufficient(Credit credit) {
        return ApiException.unprocessable("insufficient_balance",
                "The adjustment would take user " + credit.userId() + "'s coins or XP below zero", null);
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** The item DynamoDB returned with the failed condition, or (servers that do not return it) a consistent read. */
    private Map<String, AttributeValue> oldItemOr(ConditionalCheckFailedException e, Map<String, AttributeValue> key) {
        if (e.hasItem() && !e.item().isEmpty()) {
            return e.item();
        }
        return get(key);
    }

    private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a concurrent credit", e);
        }
    }

    static String encodeCursor(String sk) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sk.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        try {
            String sk = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (sk.startsWith(LedgerItems.ACTIVITY_PREFIX) && sk.length() < 400) {
                return sk;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ApiException.invalidField("cursor", "cursor is not one this API returned");
    }
}
