package com.mallquest.core.domain.ledger;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.dynamo.PageCursor;
import com.mallquest.core.domain.earning.EarningRules;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The users' balances: the one place coins and XP change, exactly once per credit id.
 *
 * <p>A credit is one consistent read and one transaction ({@link Transaction}) under the user's partition
 * ({@code pk=USER#<id>}):
 * <ol>
 *   <li>read the profile {@code sk=PROFILE} (strongly consistent): the balance, level and {@code version};</li>
 *   <li>write atomically: the credit record {@code sk=CREDIT#<creditId>} ({@code attribute_not_exists}: state
 *       {@code APPLIED}, the amounts and the result a replay returns), the profile ({@code ADD} the amounts,
 *       {@code SET level}, {@code version = read + 1}, on condition that {@code version} is still the one read),
 *       the activity entry {@code sk=ACT#<time>#<creditId>}, and the caller's {@link CreditItems} (a receipt claim,
 *       daily-limit counters, ...), each with its own condition.</li>
 * </ol>
 * When the transaction is cancelled its reasons say why: the credit record existed → a replay (the recorded result,
 * from the old item the cancellation carries; {@code credit_mismatch} when the amounts differ); the profile moved on
 * → another credit of the user applied since the read: read again and retry (bounded, jittered); an extra item's
 * condition → that item's refusal. There is one write, so a crash before it leaves nothing and a crash after it
 * leaves the whole credit: the retry is a replay. An SDK retry of a transaction whose first copy applied is
 * cancelled on the credit record, i.e. a replay; a late copy can never apply twice. No leases, no pending state.
 *
 * <p>Refusals are {@link DomainException}s with stable codes: conflict {@code credit_mismatch} (the credit id was
 * used with other amounts), rejected {@code insufficient_balance} (a debit larger than the balance; recorded with
 * the profile's version it was decided on, so the same credit id keeps that answer), 503 {@code ledger_busy} (too
 * many concurrent changes to one account). The item layout is {@link UserItems}'s; the items of the transaction are
 * built by {@link LedgerRequests}.
 *
 * <p>Items every credit carries, whoever calls ({@code standing}: the leaderboard period totals, which must hold
 * every credit exactly once), are given to the constructor and written after the caller's extras.
 *
 * <pre>{@code
 * Ledger ledger = services.ledger();
 * CreditResult r = ledger.credit(new Credit("u-1", "receipt:zara:R-1", 251, 125, CreditKind.RECEIPT, Map.of()));
 * CreditResult withClaim = ledger.credit(credit, CreditItems.none().with(claimPut, old -> alreadyClaimed(old)));
 * ActivityPage page = ledger.activity("u-1", 20, null);
 * }</pre>
 */
public final class Ledger {

    /** Reads and transactions one credit makes at most when other credits of the user keep moving its profile on. */
    static final int MAX_TRIES = 100;
    /** The items of a credit's transaction before the caller's: the credit record, the profile, the activity entry. */
    private static final int CREDIT_RECORD = 0;
    private static final int OWN_ITEMS = 3;

    private final DynamoDbClient dynamo;
    private final Transaction transaction;
    private final LedgerRequests requests;
    private final Cache cache;
    private final Clock clock;
    private final Function<Credit, CreditItems> standing;
    private final ActivityScanner history;

    /**
     * A ledger whose credits carry only their callers' extras.
     *
     * @param usersTable the Users table ({@code USERS_TABLE})
     */
    public Ledger(DynamoDbClient dynamo, String usersTable, Cache cache, Clock clock) {
        this(dynamo, usersTable, cache, clock, credit -> CreditItems.none());
    }

    /**
     * @param usersTable the Users table ({@code USERS_TABLE})
     * @param standing   the items written in every credit's transaction after the caller's extras (e.g. the
     *                   leaderboard period totals); no condition of theirs may fail
     */
    public Ledger(DynamoDbClient dynamo, String usersTable, Cache cache, Clock clock,
                  Function<Credit, CreditItems> standing) {
        this.dynamo = dynamo;
        this.transaction = new Transaction(dynamo);
        this.requests = new LedgerRequests(usersTable);
        this.cache = cache;
        this.clock = clock;
        this.standing = standing;
        this.history = new ActivityScanner(dynamo, usersTable);
    }

    /** {@link #credit(Credit, CreditItems)} without extra items. */
    public CreditResult credit(Credit credit) {
        return credit(credit, CreditItems.none());
    }

    /**
     * Applies {@code credit} once, together with {@code callerExtras} and the standing items (all or nothing). A
     * second call with the same {@code (userId, creditId)} returns the first call's result with {@code applied=false}
     * and writes nothing.
     *
     * @throws DomainException           {@code credit_mismatch}, {@code insufficient_balance}, {@code ledger_busy}, or
     *                                   the refusal of an extra item whose condition failed
     * @throws CreditIncompleteException a DynamoDB failure; says whether the transaction may have applied
     */
    public CreditResult credit(Credit credit, CreditItems callerExtras) {
        String userId = credit.userId();
        CreditItems extras = callerExtras.with(standing.apply(credit));
        for (int tries = 1; ; tries++) {
            Account before;
            try {
                Map<String, AttributeValue> profile = get(UserItems.profileKey(userId));
                before = profile == null ? Account.empty(userId) : UserItems.account(userId, profile);
            } catch (SdkException e) {
                throw new CreditIncompleteException(credit, CreditIncompleteException.Progress.NOT_APPLIED, e);
            }
            for (CreditItems.Requirement requirement : extras.requirements()) {
                RuntimeException refusal = requirement.refusal(before);
                if (refusal != null) {
                    throw refusal;
                }
            }
            Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            Transaction.Outcome outcome;
            CreditResult result = null;
            List<TransactWriteItem> items = new ArrayList<>();
            if (takesBelowZero(credit, before)) {
                items.add(requests.recordRejected(credit, at));
                items.add(requests.profileUnchanged(userId, before));
            } else {
                Account after = after(credit, before, at);
                result = new CreditResult(true, credit, at, after, before.level(), after.level());
                items.add(requests.recordApplied(credit, at, before.level(), after));
                items.add(requests.applyToProfile(credit, before, after.level(), at));
                items.add(requests.recordActivity(credit, at));
                for (CreditItems.Item extra : extras.items()) {
                    items.add(extra.write(result));
                }
            }
            try {
                outcome = transaction.write(items);
            } catch (SdkException e) {
                throw new CreditIncompleteException(credit, CreditIncompleteException.Progress.MAYBE_APPLIED, e);
            }
            if (outcome.applied()) {
                if (result == null) {
                    throw insufficient(credit);
                }
                cache.delete(CacheKeys.userView(userId));
                return result;
            }
            if (outcome.conditionFailed(CREDIT_RECORD)) {
                return replay(credit, outcome.oldItem(CREDIT_RECORD));
            }
            for (int i = OWN_ITEMS; result != null && i < items.size(); i++) {
                if (outcome.conditionFailed(i)) {
                    throw extras.items().get(i - OWN_ITEMS).refused(outcome.oldItem(i));
                }
            }
            // The profile moved on since it was read: another credit of the user applied. Read it again.
            if (tries >= MAX_TRIES) {
                throw DomainException.unavailable("ledger_busy",
                        "Too many changes to the account of " + userId + " at once; retry shortly", Duration.ofSeconds(1));
            }
            backOff(tries);
        }
    }

    /**
     * Writes items computed from the user's whole activity as of one version of their account, for jobs that recompute
     * what credits keep (the leaderboard totals' backfill): reads the profile and every activity entry (strongly
     * consistent), then writes {@code compute}'s items in one transaction with a check that the profile's version is
     * still the one read; when a credit applied in between, reads again (bounded, like {@link #credit}). Returns how
     * many items were written (0 when {@code compute} gave none).
     *
     * @throws DomainException 503 {@code ledger_busy} when the account kept moving
     */
    public int writeFromActivity(String userId, Function<List<ActivityEntry>, List<TransactWriteItem>> compute) {
        for (int tries = 1; ; tries++) {
            Account before = account(userId);
            List<TransactWriteItem> items = new ArrayList<>(List.of(requests.profileUnchanged(userId, before)));
            items.addAll(compute.apply(history.entriesOf(userId)));
            if (items.size() == 1 || transaction.write(items).applied()) {
                return items.size() - 1;
            }
            if (tries >= MAX_TRIES) {
                throw DomainException.unavailable("ledger_busy",
                        "Too many changes to the account of " + userId + " at once; retry shortly", Duration.ofSeconds(1));
            }
            backOff(tries);
        }
    }

    /** The account right after {@code credit}: amounts added, level derived, version raised. */
    private static Account after(Credit credit, Account before, Instant at) {
        long xp = before.xp() + credit.xpDelta();
        return new Account(credit.userId(), before.coins() + credit.coinsDelta(), xp, EarningRules.levelFor(xp),
                before.receiptsCredited() + (credit.kind() == CreditKind.RECEIPT ? 1 : 0), before.version() + 1,
                before.createdAt() == null ? at : before.createdAt(), at);
    }

    /** The answer to a credit id used before: its recorded result, or its recorded refusal. */
    private CreditResult replay(Credit credit, Map<String, AttributeValue> recorded) {
        Map<String, AttributeValue> record = recorded.isEmpty() ? get(UserItems.creditKey(credit)) : recorded;
        if (record == null) {
            throw new IllegalStateException("credit record " + credit.creditId() + " reported existing but cannot be read");
        }
        UserItems.requireSameAmounts(credit, record);
        if (UserItems.REJECTED.equals(UserItems.state(record))) {
            throw insufficient(credit);
        }
        if (!UserItems.APPLIED.equals(UserItems.state(record))) {
            throw new IllegalStateException("credit record " + credit.creditId() + " in state " + UserItems.state(record)
                    + " (left by the lease protocol this ledger replaced)");
        }
        return UserItems.replayedResult(credit.userId(), record);
    }

    /** The user's account (a strongly consistent read); {@link Account#empty} for a user never credited. */
    public Account account(String userId) {
        Map<String, AttributeValue> item = get(UserItems.profileKey(userId));
        return item == null ? Account.empty(userId) : UserItems.account(userId, item);
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
            entries.add(UserItems.activityEntry(item));
        }
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? PageCursor.encode(response.lastEvaluatedKey().get(UserItems.SK).s()) : null;
        return new ActivityPage(List.copyOf(entries), next);
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

    private static DomainException insufficient(Credit credit) {
        return DomainException.rejected("insufficient_balance",
                "The adjustment would take user " + credit.userId() + "'s coins or XP below zero");
    }

    // ---- helpers --------------------------------------------------------------------------------------

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

    static String decodeCursor(String cursor) {
        return PageCursor.decode(cursor, 1, parts -> UserItems.isActivitySk(parts.get(0))).get(0);
    }
}
