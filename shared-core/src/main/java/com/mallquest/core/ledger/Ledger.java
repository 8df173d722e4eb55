package com.mallquest.core.ledger;

import com.mallquest.core.cache.Cache;
import com.mallquest.core.cache.CacheKeys;
import com.mallquest.core.domain.DomainException;
import com.mallquest.core.lambda.CoreServices;
import com.mallquest.core.rewards.RewardRules;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.store.Attributes.setContains;

/**
 * The users' balances: the one place coins and XP change, exactly once per credit id.
 *
 * <p>DynamoDB Local stand-ins (dynalite) have no transactions, so a credit is a short sequence of
 * single-item conditional writes, each safe to repeat, under one user partition ({@code pk=USER#<id>}):
 * <ol>
 *   <li><b>claim</b>: the credit record {@code sk=CREDIT#<creditId>} put with {@code attribute_not_exists}:
 *       state {@code PENDING}, the amounts, the credit's time and a lease. If it exists already the call is a
 *       replay ({@code APPLIED}: the recorded result is returned), waits for the live attempt holding the
 *       lease, or takes over an attempt whose lease expired (it crashed).</li>
 *   <li><b>apply</b>: the profile {@code sk=PROFILE}: {@code ADD coins, xp, version, inFlight {creditId}}
 *       under the condition {@code NOT contains(inFlight, :creditId)}, so the amounts are added once even
 *       when this step is repeated after a crash. {@code ADD} is atomic: concurrent credits never lose an
 *       update.</li>
 *   <li><b>record</b>: the activity entry {@code sk=ACT#<time>#<creditId>}, a put of a fixed key and
 *       content.</li>
 *   <li><b>settle</b>: the credit record → {@code APPLIED} with the resulting balance (what a replay
 *       returns), then the profile's {@code DELETE inFlight {creditId}} (the set only holds credits between
 *       apply and settle).</li>
 * </ol>
 * Every write to a user deletes the cached user view ({@link CacheKeys#userView}). A crash after any step
 * leaves a {@code PENDING} record; calling {@link #credit} again with the same credit (a client retry, or the
 * receipts cleanup) completes it. The lease ({@code CREDIT_LEASE_SECONDS}) must exceed the longest timeout
 * of a function that credits, so that at most one attempt per credit is ever alive.
 *
 * A replay also repeats the end of settle, so an attempt that died between marking the record applied and
 * leaving {@code inFlight} leaves nothing behind once the credit is retried.
 *
 * <p>Refusals are {@link DomainException}s with stable codes: conflict {@code credit_in_progress}
 * ({@link CreditInProgressException}: another attempt holds the lease; retry after {@code retryAfter}),
 * conflict {@code credit_mismatch} (the credit id was used with other amounts), rejected
 * {@code insufficient_balance} (a negative adjustment larger than the balance). The item layout is
 * {@link UsersTable}'s; the requests of each step are built by {@link LedgerRequests}.
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
    /** The longest cursor {@link #encodeCursor} makes is 306 characters (229 bytes of key). */
    static final int MAX_CURSOR_CHARS = 320;

    private final DynamoDbClient dynamo;
    private final LedgerRequests requests;
    private final Cache cache;
    private final Clock clock;
    private final Duration lease;

    /**
     * @param usersTable the Users table ({@code USERS_TABLE})
     * @param lease      how long one attempt owns a pending credit; longer than any crediting function's timeout
     */
    public Ledger(DynamoDbClient dynamo, String usersTable, Cache cache, Clock clock, Duration lease) {
        this.dynamo = dynamo;
        this.requests = new LedgerRequests(usersTable);
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
        Claim claim = claim(credit);
        if (claim.appliedRecord() != null) {
            // An attempt that stopped between marking it applied and leaving inFlight: no attempt can add it again.
            leaveInFlight(credit);
            return UsersTable.replayedResult(credit.userId(), claim.appliedRecord());
        }
        Map<String, AttributeValue> profile = apply(credit);
        Account after = UsersTable.account(credit.userId(), profile);
        int levelBefore = RewardRules.levelFor(after.xp() - credit.xpDelta());
        storeLevel(credit.userId(), profile, after);
        record(credit, claim.at());
        settle(credit, levelBefore, after);
        return new CreditResult(true, credit, claim.at(), after, levelBefore, after.level());
    }

    /** The user's account (a strongly consistent read); {@link Account#empty} for a user never credited. */
    public Account account(String userId) {
        Map<String, AttributeValue> item = get(UsersTable.profileKey(userId));
        return item == null ? Account.empty(userId) : UsersTable.account(userId, item);
    }

    /**
     * A page of the user's activity, newest first.
     *
     * @param limit  1..100 entries
     * @param cursor null for the first page, else a previous page's {@link ActivityPage#nextCursor()}
     * @throws DomainException invalid {@code limit} or {@code cursor}
     */
    public ActivityPage activity(String userId, int limit, String cursor) {
        if (limit < 1 || limit > 100) {
            throw DomainException.invalid("limit", "limit must be between 1 and 100");
        }
        String startSk = cursor != null && !cursor.isBlank() ? decodeCursor(cursor) : null;
        QueryResponse response = dynamo.query(requests.activityPage(userId, limit, startSk));
        List<ActivityEntry> entries = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            entries.add(UsersTable.activityEntry(item));
        }
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? encodeCursor(response.lastEvaluatedKey().get(UsersTable.SK).s()) : null;
        return new ActivityPage(List.copyOf(entries), next);
    }

    // ---- claim: the credit record -------------------------------------------------------------------

    /** Either this attempt owns the pending credit (its time {@code at}), or the credit was applied before. */
    private record Claim(Instant at, Map<String, AttributeValue> appliedRecord) { }

    /** Creates or takes over the credit's record, or finds it applied. */
    private Claim claim(Credit credit) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, AttributeValue> existing;
        try {
            dynamo.putItem(requests.claim(credit, now, now.plus(lease)));
            return new Claim(now, null);
        } catch (ConditionalCheckFailedException e) {
            existing = oldItemOr(e, UsersTable.creditKey(credit));
        }
        long waitUntil = System.nanoTime() + WAIT_FOR_CONCURRENT.toNanos();
        while (true) {
            if (existing == null) {
                throw new IllegalStateException("credit record " + credit.creditId() + " vanished");
            }
            UsersTable.requireSameAmounts(credit, existing);
            String state = UsersTable.state(existing);
            if (UsersTable.APPLIED.equals(state)) {
                return new Claim(null, existing);
            }
            if (UsersTable.REJECTED.equals(state)) {
                throw insufficient(credit);
            }
            long leaseUntil = UsersTable.leaseUntil(existing);
            Instant now2 = clock.instant();
            if (leaseUntil <= now2.toEpochMilli() && takeOver(credit, leaseUntil, now2)) {
                return new Claim(UsersTable.at(existing), null);
            }
            if (System.nanoTime() > waitUntil) {
                throw new CreditInProgressException("This credit is being applied by another request; retry shortly",
                        Duration.ofSeconds(1));
            }
            sleep();
            existing = get(UsersTable.creditKey(credit));
        }
    }

    /** Compare-and-set of an expired lease: true when this attempt now owns the pending credit. */
    private boolean takeOver(Credit credit, long expiredLease, Instant now) {
        try {
            dynamo.updateItem(requests.takeOver(credit, expiredLease, now.plus(lease)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ---- apply: the balance -------------------------------------------------------------------------

    /** Adds the amounts unless this credit is already in the profile's in-flight set; returns the profile after. */
    private Map<String, AttributeValue> apply(Credit credit) {
        try {
            Map<String, AttributeValue> after = dynamo.updateItem(requests.addToProfile(credit, clock.instant())).attributes();
            cache.delete(CacheKeys.userView(credit.userId()));
            return after;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> current = oldItemOr(e, UsersTable.profileKey(credit.userId()));
            if (current != null && setContains(current, UsersTable.IN_FLIGHT, credit.creditId())) {
                cache.delete(CacheKeys.userView(credit.userId()));
                return current; // applied by an earlier attempt that stopped before settling
            }
            dynamo.updateItem(requests.markRejected(credit));
            throw insufficient(credit);
        }
    }

    /** Keeps the stored level in step with XP; a concurrent credit that moved XP on stores its own level. */
    private void storeLevel(String userId, Map<String, AttributeValue> profile, Account after) {
        Integer stored = UsersTable.storedLevel(profile);
        if (stored != null && stored == after.level()) {
            return;
        }
        try {
            dynamo.updateItem(requests.storeLevel(userId, after.level(), after.xp()));
        } catch (ConditionalCheckFailedException e) {
            // XP moved on: the credit that moved it stores the level for the new XP.
        }
    }

    // ---- record: the activity entry -----------------------------------------------------------------

    private void record(Credit credit, Instant at) {
        dynamo.putItem(requests.recordActivity(credit, at));
        cache.delete(CacheKeys.userView(credit.userId()));
    }

    // ---- settle: the credit record says APPLIED, the profile forgets it -------------------------------

    private void settle(Credit credit, int levelBefore, Account after) {
        dynamo.updateItem(requests.markApplied(credit, levelBefore, after));
        leaveInFlight(credit);
    }

    /** The profile no longer needs to remember this credit (its record says APPLIED). */
    private void leaveInFlight(Credit credit) {
        try {
            dynamo.updateItem(requests.removeFromInFlight(credit));
        } catch (ConditionalCheckFailedException e) {
            // no profile: nothing in flight
        }
    }

    private static DomainException insufficient(Credit credit) {
        return DomainException.rejected("insufficient_balance",
                "The adjustment would take user " + credit.userId() + "'s coins or XP below zero");
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
        var response = dynamo.getItem(requests.consistentGet(key));
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

    /**
     * The activity sort key a cursor stands for. Checked exactly before any query is made: at most
     * {@value #MAX_CURSOR_CHARS} characters of base64url, valid UTF-8, and exactly the shape of an activity
     * key ({@link UsersTable#isActivitySk}); anything else is invalid (a 400 naming {@code cursor}), never a
     * DynamoDB validation error.
     */
    static String decodeCursor(String cursor) {
        if (cursor.length() <= MAX_CURSOR_CHARS) {
            try {
                byte[] bytes = Base64.getUrlDecoder().decode(cursor);
                String sk = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
                if (UsersTable.isActivitySk(sk)) {
                    return sk;
                }
            } catch (IllegalArgumentException | CharacterCodingException e) {
                // fall through
            }
        }
        throw DomainException.invalid("cursor", "cursor is not one this API returned");
    }
}
