package com.mallquest.core.domain.users;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.domain.ledger.Account;
import com.mallquest.core.domain.ledger.ActivityPage;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.platform.ratelimit.RateLimit;
import com.mallquest.core.platform.ratelimit.RateLimiter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * User lookups ({@code GET /users/{userId}}, {@code /users/me}, {@code /users/{userId}/activity}): self or
 * admin, rate limited per caller, served read-through from the cache.
 *
 * <p><b>Why a cached view is always checked before it is served.</b> Functions run in many containers, each
 * with its own memory; the ledger deletes {@link CacheKeys#userView} after every write, but that delete only
 * reaches the writer's cache: Redis when it is up, the writer's own memory while it falls back. A view in
 * another container's memory (mode {@code MEMORY}, {@code MEMORY_FALLBACK}), or a Redis entry that survived
 * a delete issued while Redis was unreachable, would otherwise be served stale. So every cached view
 * carries the profile {@code version} it was built from, and a hit is served only when one strongly
 * consistent read of the profile's version (two attributes, batched with the gamification record that every answer
 * shows fresh: {@link ViewReads}) still matches and no credit is half
 * applied. One small read replaces the account read plus the activity query and the level computation of a
 * miss, and a user always reads its own writes in every cache mode, whichever container answers.
 *
 * <pre>{@code
 * UserViewService users = services.users();
 * UserView me = users.view(caller, caller.userId());
 * }</pre>
 */
public final class UserViewService {

    /** Activity entries shown on the user view. */
    public static final int RECENT_ACTIVITY = 5;
    /** The rate-limit action of user reads ({@code USER_READ_RATE_LIMIT}). */
    public static final String READ_ACTION = "user-reads";

    private final Ledger ledger;
    private final DynamoDbClient dynamo;
    private final String usersTable;
    private final Cache cache;
    private final RateLimiter rateLimiter;
    private final RateLimit readLimit;
    private final Duration ttl;
    private final java.time.Clock clock;

    public UserViewService(Ledger ledger, DynamoDbClient dynamo, String usersTable, Cache cache,
                           RateLimiter rateLimiter, RateLimit readLimit, Duration ttl, java.time.Clock clock) {
        this.ledger = ledger;
        this.dynamo = dynamo;
        this.usersTable = usersTable;
        this.cache = cache;
        this.rateLimiter = rateLimiter;
        this.readLimit = readLimit;
        this.ttl = ttl;
        this.clock = clock;
    }


    /**
     * The view of {@code userId} for {@code caller}: 429 over the caller's read limit, 403 unless self or
     * admin (the same answer whether or not the user exists), 404 for an admin asking for an unknown user,
     * an empty level-1 view for a caller asking for itself before its first credit.
     */
    public UserView view(Caller caller, String userId) {
        // The rate limit's count and the cached view share the hash tag {u:...}: one round trip for both. The view
        // is fetched only for a caller who will be allowed to see it; the refusals keep their order (429, 400, 403).
        String key = CacheKeys.userView(userId);
        CacheBatch batch = new CacheBatch();
        Supplier<RateLimiter.Decision> limit = rateLimiter.acquire(batch, caller.userId(), READ_ACTION, readLimit);
        CacheBatch.Result<Optional<String>> cachedJson = mayRead(caller, userId) ? batch.get(key) : null;
        cache.execute(batch);
        limit.get().throwIfRefused();
        checkAccess(caller, userId);
        Optional<UserView> cached = cachedJson.get().flatMap(UserViewService::parse);
        ViewReads reads = ViewReads.read(dynamo, usersTable, userId, clock.instant());
        Optional<ProfileStamp> stamp = reads.stamp();
        if (stamp.isEmpty()) {
            if (!caller.userId().equals(userId)) {
                throw DomainException.notFound("not_found", "No user " + userId);
            }
            return UserView.of(Account.empty(userId), java.util.List.of()).withCache(source(false))
                    .withGamification(reads.gamification());
        }
        ProfileStamp now = stamp.get();
        if (cached.isPresent() && cached.get().version() == now.version()) {
            return cached.get().withCache(source(true)).withGamification(reads.gamification());
        }
        Account account = ledger.account(userId);
        ActivityPage recent = ledger.activity(userId, RECENT_ACTIVITY, null);
        UserView fresh = UserView.of(account, recent.entries());
        if (account.version() == now.version()) {
            // Complete for this version: a credit writes its activity entry in the transaction that raises it.
            cache.set(key, Json.write(fresh), ttl);
        }
        return fresh.withCache(source(false)).withGamification(reads.gamification());
    }

    /** A page of {@code userId}'s activity, newest first, for self or an admin (rate limited like views). */
    public ActivityPage activity(Caller caller, String userId, int limit, String cursor) {
        authorize(caller, userId);
        return ledger.activity(userId, limit, cursor);
    }

    /** Counts the read against the caller's limit (429), checks the id's shape (400), then self-or-admin (403). */
    private void authorize(Caller caller, String userId) {
        rateLimiter.acquire(caller.userId(), READ_ACTION, readLimit).throwIfRefused();
        checkAccess(caller, userId);
    }

    private static boolean mayRead(Caller caller, String userId) {
        return Caller.isValidUserId(userId) && caller.mayActOn(userId);
    }

    /** The id's shape (400), then self-or-admin (403). */
    private static void checkAccess(Caller caller, String userId) {
        if (!Caller.isValidUserId(userId)) {
            throw DomainException.invalid("userId", "userId must be " + Caller.USER_ID_RULE);
        }
        if (!caller.mayActOn(userId)) {
            throw DomainException.forbidden("forbidden", "You may read only your own profile");
        }
    }

    private UserView.CacheSource source(boolean hit) {
        return new UserView.CacheSource(hit, cache.mode().name());
    }

    private static Optional<UserView> parse(String json) {
        try {
            return Optional.of(Json.MAPPER.readValue(json, UserView.class));
        } catch (JsonProcessingException e) {
            return Optional.empty(); // an entry of an older shape: rebuilt and overwritten
        }
    }
}
