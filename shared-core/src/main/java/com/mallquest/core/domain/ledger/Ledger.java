package com.mallquest.core.domain.ledger;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.dynamo.PageCursor;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.logging.Log;
import com.mallquest.core.domain.earning.RewardRules;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static com.mallquest.core.platform.dynamo.Attributes.setContains;

/**
 * The users' balances: the one place coins and XP change, exactly once per credit id.
 *
 * <p>DynamoDB Local stand-ins (dynalite) have no transactions, so a credit is a short sequence of
 * single-item conditional writes, each safe to repeat, under one user partition ({@code pk=USER#<id>}):
 * <ol>
 *   <li><b>claim</b>: the credit record {@code sk=CREDIT#<creditId>} put with {@code attribute_not_exists}:
 *       state {@code PENDING}, the amounts, the credit's time and a lease (and {@code pendingUser/pendingSince},
 *       which put it in the sparse {@value UsersTable#PENDING_INDEX}). If it exists already the call is a
 *       replay ({@code APPLIED}: the recorded result is returned), waits for the live attempt holding the
 *       lease, or takes over an attempt whose lease ended (it crashed, or gave the lease up).</li>
 *   <li><b>fence</b>: a strongly consistent read of the profile {@code sk=PROFILE}, then a check that this
 *       attempt still holds its lease (method {@code fence}): no other attempt can have applied the credit before
 *       that read.</li>
 *   <li><b>apply</b>: {@code ADD coins, xp, version, inFlight {creditId}}, {@code SET level} on the profile
 *       under the condition that its {@code version} is still the one read and {@code NOT contains(inFlight,
 *       :creditId)}. Every credit raises the version, so no late copy of this request (a stalled SDK attempt,
 *       an attempt that outlived its lease) can ever apply; a concurrent credit's change is retried from the
 *       profile the failed write returned. {@code ADD} is atomic: concurrent credits never lose an update.</li>
 *   <li><b>record</b>: the activity entry {@code sk=ACT#<time>#<creditId>}, a put of a fixed key and
 *       content.</li>
 *   <li><b>settle</b>: the credit record → {@code APPLIED} with the resulting balance (what a replay
 *       returns; it leaves the pending index), then the profile's {@code DELETE inFlight {creditId}} (the set
 *       only holds credits between apply and settle).</li>
 * </ol>
 * A credit deletes the cached user view ({@link CacheKeys#userView}) once, when it applies. A crash after any step
 * leaves a {@code PENDING} record; calling {@link #credit} again with the same credit (a client retry, or the
 * cleanup's {@link #completePending}) completes it. The lease ({@code CREDIT_LEASE_SECONDS}) must exceed the
 * longest timeout of a function that credits, so that at most one attempt per credit is at work; an attempt
 * that fails on a DynamoDB error gives its lease up at once ({@link CreditIncompleteException}).
 *
 * A replay also repeats the end of settle, so an attempt that died between marking the record applied and
 * leaving {@code inFlight} leaves nothing behind once the credit is retried.
 *
 * <p>Refusals are {@link DomainException}s with stable codes: conflict {@code credit_in_progress}
 * ({@link CreditInProgressException}: another attempt holds the lease, or another credit of the user that
 * adds coins or XP is pending; retry after {@code retryAfter}), conflict {@code credit_mismatch} (the credit
 * id was used with other amounts), rejected {@code insufficient_balance} (a debit larger than the balance;
 * recorded, so the same credit id keeps that answer). The item layout is {@link UsersTable}'s; the requests
 * of each step are built by {@link LedgerRequests}.
 *
 * <pre>{@code
 * Ledger ledger = services.ledger();
 * CreditResult r = ledger.credit(new Credit("u-1", "receipt:zara:R-1", 251, 125, CreditKind.RECEIPT, Map.of()));
 * ActivityPage page = ledger.activity("u-1", 20, null);
 * }</pre>
 */
public final class Ledger {

    /** How long a call waits for a concurrent attempt of the same credit before answering {@code credit_in_progress}. */
    static final Duration WAIT_FOR_CONCURRENT = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 50;
    /**
     * How far apart two containers' clocks may be: within its lease less this margin an attempt knows from
     * its own clock that no other attempt can have taken its credit over.
     */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(5);
    /** Pages of the pending index one {@link #completePending} call reads at most. */
    private static final int MAX_PENDING_PAGES = 5;
    private static final Log LOG = Log.of(Ledger.class);

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


    /**
     * Applies {@code credit} once. A second call with the same {@code (userId, creditId)} returns the first
     * call's result with {@code applied=false}; a call that finds the credit half-done (a crashed attempt)
     * completes it and returns {@code applied=true}.
     *
     * @throws CreditIncompleteException a DynamoDB failure after the claim: this attempt gave its lease up
     *                                   (the caller's retry can start at once) and says how far it got
     */
    public CreditResult credit(Credit credit) {
        Attempt attempt = claim(credit);
        if (attempt.appliedBefore() != null) {
            // An attempt that stopped between marking it applied and leaving inFlight: no attempt can add it again.
            leaveInFlight(credit);
            return attempt.appliedBefore();
        }
        try {
            Applied applied = apply(credit, attempt);
            if (applied.finishedByAnother() != null) {
                return applied.finishedByAnother();
            }
            attempt.applied = applied.after();
            record(credit, attempt.at());
            settle(credit, applied.levelBefore(), applied.after());
            return new CreditResult(true, credit, attempt.at(), applied.after(), applied.levelBefore(),
                    applied.after().level());
        } catch (SdkException e) {
            release(credit, attempt);
            throw new CreditIncompleteException(credit, attempt.progress(), attempt.applied, e);
        }
    }

    /**
     * Completes up to {@code limit} credits of any kind left pending by an attempt that died or gave up
     * (its lease ran out or was released): what the cleanup job calls on a schedule. Reads the sparse
     * {@value UsersTable#PENDING_INDEX}; a credit whose lease is still held is left to its attempt.
     *
     * @return how many credits this call completed
     */
    public int completePending(int limit) {
        if (limit < 1) {
            return 0;
        }
        List<Credit> due = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        for (int page = 0; page < MAX_PENDING_PAGES && due.size() < limit; page++) {
            ScanResponse response = dynamo.scan(requests.pendingCredits(limit, start));
            long now = clock.millis();
            for (Map<String, AttributeValue> item : response.items()) {
                if (due.size() < limit && UsersTable.leaseUntil(item) <= now) {
                    due.add(UsersTable.pendingCredit(item));
                }
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            if (start == null) {
                break;
            }
        }
        int completed = 0;
        for (Credit credit : due) {
            try {
                credit(credit);
                completed++;
            } catch (DomainException e) {
                // refused (now recorded as such), or taken on by a live attempt: either way no longer ours
                LOG.info("ledger: pending credit not completed", "creditId", credit.creditId(),
                        "userId", credit.userId(), "errorCode", e.code());
            } catch (RuntimeException e) {
                // e.g. throttling: one credit must not stop the others; it stays pending for the next run
                LOG.warn("ledger: pending credit not completed; retried next run", "creditId", credit.creditId(),
                        "userId", credit.userId(), "errorType", e.getClass().getName());
            }
        }
        return completed;
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
                ? PageCursor.encode(response.lastEvaluatedKey().get(UsersTable.SK).s()) : null;
        return new ActivityPage(List.copyOf(entries), next);
    }

    // ---- claim: the credit record -------------------------------------------------------------------

    /**
     * One attempt at a credit: the credit's time {@code at} and the lease this attempt holds on its pending
     * record; or, when the credit was applied before, the recorded result.
     */
    private static final class Attempt {
        final Instant at;
        long leaseUntil;
        final CreditResult appliedBefore;
        /** True once the balance write has been sent; {@link #applied} once it is known to have applied. */
        boolean balanceWriteSent;
        Account applied;

        Attempt(Instant at, long leaseUntil, CreditResult appliedBefore) {
            this.at = at;
            this.leaseUntil = leaseUntil;
            this.appliedBefore = appliedBefore;
        }

        Instant at() { return at; }

        CreditResult appliedBefore() { return appliedBefore; }

        CreditIncompleteException.Progress progress() {
            if (applied != null) {
                return CreditIncompleteException.Progress.APPLIED;
            }
            return balanceWriteSent ? CreditIncompleteException.Progress.MAYBE_APPLIED
                    : CreditIncompleteException.Progress.NOT_APPLIED;
        }
    }

    /** Creates or takes over the credit's record, or finds it applied. */
    private Attempt claim(Credit credit) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Map<String, AttributeValue> existing;
        try {
            dynamo.putItem(requests.claim(credit, now, now.plus(lease)));
            return new Attempt(now, now.plus(lease).toEpochMilli(), null);
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
                return new Attempt(null, 0, UsersTable.replayedResult(credit.userId(), existing));
            }
            if (UsersTable.REJECTED.equals(state)) {
                throw insufficient(credit);
            }
            long leaseUntil = UsersTable.leaseUntil(existing);
            Instant now2 = clock.instant();
            if (leaseUntil <= now2.toEpochMilli()) {
                long newLease = now2.plus(lease).toEpochMilli();
                if (takeOver(credit, leaseUntil, newLease)) {
                    return new Attempt(UsersTable.at(existing), newLease, null);
                }
            }
            if (System.nanoTime() > waitUntil) {
                // The real wait: until the attempt holding it gives it up (it would release it on a failure).
                throw inProgress(Duration.ofMillis(leaseUntil - now2.toEpochMilli()));
            }
            sleep();
            existing = get(UsersTable.creditKey(credit));
        }
    }

    /** Compare-and-set of a lease that ran out: true when this attempt now owns the pending credit. */
    private boolean takeOver(Credit credit, long expiredLease, long newLease) {
        try {
            dynamo.updateItem(requests.takeOver(credit, expiredLease, Instant.ofEpochMilli(newLease)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * The fence, taken after reading the profile and before writing it: this attempt must still hold its
     * lease, so that no other attempt can have taken the credit over (and applied it) before that read.
     * Within the lease (less {@link #CLOCK_MARGIN}) that is known from the clock; past it the record tells:
     * still ours (nobody took over: the lease is renewed), finished by another attempt (its result), or
     * owned by another attempt now (in progress).
     *
     * @return null when this attempt may write; the recorded result when another attempt finished the credit
     */
    private CreditResult fence(Credit credit, Attempt attempt) {
        Instant now = clock.instant();
        if (now.toEpochMilli() < attempt.leaseUntil - CLOCK_MARGIN.toMillis()) {
            return null;
        }
        Map<String, AttributeValue> record = get(UsersTable.creditKey(credit));
        if (record != null && UsersTable.APPLIED.equals(UsersTable.state(record))) {
            return UsersTable.replayedResult(credit.userId(), record);
        }
        long renewed = now.plus(lease).toEpochMilli();
        if (record != null && UsersTable.PENDING.equals(UsersTable.state(record))
                && UsersTable.leaseUntil(record) == attempt.leaseUntil && takeOver(credit, attempt.leaseUntil, renewed)) {
            attempt.leaseUntil = renewed;
            return null;
        }
        throw inProgress(Duration.ofMillis(record == null ? 0 : UsersTable.leaseUntil(record) - now.toEpochMilli()));
    }

    /** After a known failure: the lease goes, so the next attempt (the caller's retry) takes over at once. */
    private void release(Credit credit, Attempt attempt) {
        try {
            dynamo.updateItem(requests.releaseLease(credit, attempt.leaseUntil, clock.instant()));
        } catch (ConditionalCheckFailedException e) {
            // another attempt took it over meanwhile, or it was settled: nothing of ours to give up
        } catch (SdkException e) {
            // the database is still unreachable: the lease runs out by itself
        }
    }

    // ---- apply: the balance -------------------------------------------------------------------------

    /** What apply did: the profile after it and the level before; or the result of another attempt that finished it. */
    private record Applied(Account after, int levelBefore, CreditResult finishedByAnother) { }

    /**
     * Reads the profile (strongly consistent), takes the {@link #fence}, then adds the amounts on condition
     * that the profile is still at the version read ({@link LedgerRequests#addToProfile}). When the
     * condition fails because another credit moved the profile on, it tries again from the profile the
     * failed write returned: each try is a new request with a new version, and none of the earlier ones can
     * apply any more.
     */
    private Applied apply(Credit credit, Attempt attempt) {
        String userId = credit.userId();
        Map<String, AttributeValue> profile = get(UsersTable.profileKey(userId));
        for (int tries = 1; ; tries++) {
            if (profile != null && setContains(profile, UsersTable.IN_FLIGHT, credit.creditId())) {
                return appliedEarlier(credit, profile); // by an earlier attempt that stopped before settling
            }
            CreditResult finished = fence(credit, attempt);
            if (finished != null) {
                return new Applied(null, 0, finished);
            }
            Account before = profile == null ? Account.empty(userId) : UsersTable.account(userId, profile);
            if (takesBelowZero(credit, before)) {
                refuse(credit, attempt);
            }
            int levelAfter = RewardRules.levelFor(before.xp() + credit.xpDelta());
            attempt.balanceWriteSent = true;
            try {
                Map<String, AttributeValue> after = dynamo.updateItem(
                        requests.addToProfile(credit, before.version(), levelAfter, clock.instant())).attributes();
                cache.delete(CacheKeys.userView(userId));
                return new Applied(UsersTable.account(userId, after), before.level(), null);
            } catch (ConditionalCheckFailedException e) {
                profile = oldItemOr(e, UsersTable.profileKey(userId));
                if (profile != null && setContains(profile, UsersTable.IN_FLIGHT, credit.creditId())) {
                    return appliedEarlier(credit, profile); // an SDK retry of this very write: the first copy applied
                }
                // The profile moved on since it was read (a concurrent credit): try again from the profile as the
                // failed write found it (a read that happened before the next fence, like the first one).
                // A short random pause keeps many concurrent credits of one user from colliding round after round.
                backOff(tries);
            }
        }
    }

    private Applied appliedEarlier(Credit credit, Map<String, AttributeValue> profile) {
        cache.delete(CacheKeys.userView(credit.userId()));
        Account after = UsersTable.account(credit.userId(), profile);
        return new Applied(after, RewardRules.levelFor(after.xp() - credit.xpDelta()), null);
    }

    /**
     * True when a debit would take the coins or XP below zero. A positive amount never does (it may still leave a
     * balance below zero that a receipt refund made: the debt is paid off first), and a receipt refund may
     * ({@link CreditKind#mayOverdraw}).
     */
    private static boolean takesBelowZero(Credit credit, Account before) {
        if (credit.kind().mayOverdraw()) {
            return false;
        }
        return (credit.coinsDelta() < 0 && before.coins() + credit.coinsDelta() < 0)
                || (credit.xpDelta() < 0 && before.xp() + credit.xpDelta() < 0);
    }

    /**
     * The balance (read under the fence) does not cover a negative credit: refused for good, unless another
     * credit of the user that adds coins or XP is still pending. Then the balance is a transient state (that
     * credit may add what is missing): nothing is stored, the lease is given up, and the answer is
     * {@code credit_in_progress} with the wait until that credit's lease ends. (A pending credit that only
     * takes away cannot make a refusal wrong, so two refused debits never wait for each other.)
     */
    private void refuse(Credit credit, Attempt attempt) {
        for (Map<String, AttributeValue> item : dynamo.query(requests.pendingCreditsOf(credit.userId(), 10)).items()) {
            Credit other = UsersTable.pendingCredit(item);
            if (!credit.creditId().equals(other.creditId()) && (other.coinsDelta() > 0 || other.xpDelta() > 0)) {
                release(credit, attempt);
                throw new CreditInProgressException("An earlier credit of user " + credit.userId()
                        + " is not finished yet; retry once it is",
                        atLeastOneSecond(Duration.ofMillis(UsersTable.leaseUntil(item) - clock.millis())));
            }
        }
        try {
            dynamo.updateItem(requests.markRejected(credit, attempt.leaseUntil));
        } catch (ConditionalCheckFailedException e) {
            throw inProgress(Duration.ZERO); // the credit passed to another attempt meanwhile: it decides
        }
        throw insufficient(credit);
    }

    // ---- record: the activity entry -----------------------------------------------------------------

    private void record(Credit credit, Instant at) {
        dynamo.putItem(requests.recordActivity(credit, at));
        // No second delete of the cached view: none can have been cached since apply deleted it, as a view is cached
        // only for a settled profile (nothing in flight), and this credit is in flight until settle.
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

    private static CreditInProgressException inProgress(Duration wait) {
        return new CreditInProgressException("This credit is being applied by another request; retry shortly",
                atLeastOneSecond(wait));
    }

    private static Duration atLeastOneSecond(Duration wait) {
        return wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
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

    private static void backOff(int tries) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1 + 4 * Math.min(tries, 8)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a contended credit", e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a concurrent credit", e);
        }
    }

    /** The activity sort key a cursor stands for, checked to be exactly the shape of an activity key. */
    static String decodeCursor(String cursor) {
        return PageCursor.decode(cursor, 1, parts -> UsersTable.isActivitySk(parts.get(0))).get(0);
    }
}
