package com.mallquest.core.domain.stores;

import com.mallquest.core.domain.audit.AuditAction;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditItems;
import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.errors.DomainException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores' public keys (items {@code KEY#<kid>} of the Stores table, {@link StoreItems}): registered, listed and
 * revoked by an admin or the store's manager (each change written with its audit entry, {@link AuditItems}), ({@link Caller#mayManageStore}; never its cashier), and looked up by {@code kid} when a
 * receipt code is verified.
 *
 * <p>Lookups are cached in this container for {@code STORE_KEY_CACHE_TTL_SECONDS} (at most 60 s), so a revocation
 * takes effect everywhere within that time. Unknown ids are not cached: a key registered a moment ago verifies at
 * once (the receipt rate limit bounds how often one user can make this container look).
 *
 * <pre>{@code
 * StoreKeys keys = services.storeKeys();
 * keys.register(caller, "zara", "zara-till-2026", jwk);   // created, or the same key again
 * Optional<StoreKey> key = keys.find("zara-till-2026");   // cached
 * keys.revoke(caller, "zara", "zara-till-2026");
 * }</pre>
 */
public final class StoreKeys {

    /** The longest a cached key may be served: a revocation must take effect within a minute. */
    public static final Duration MAX_CACHE_TTL = Duration.ofSeconds(60);
    private static final int MAX_CACHED = 10_000;

    private final DynamoDbClient dynamo;
    private final String table;
    private final StoreCatalogue stores;
    private final Clock clock;
    private final Duration cacheTtl;
    private final boolean developmentKeysAllowed;
    private final String auditTable;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(StoreKey key, Instant until) { }

    /** The outcome of {@link #register}: {@code created} false when the very same key was registered before. */
    public record Registration(StoreKey key, boolean created) { }

    /**
     * @param auditTable             the audit trail's table: each registration and revocation is written there in
     *                               the same transaction
     * @param developmentKeysAllowed true on a local stack only: a key marked {@code development} (the seed's, whose
     *                               private half is published) may be registered
     */
    public StoreKeys(DynamoDbClient dynamo, String storesTable, String auditTable, StoreCatalogue stores, Clock clock,
                     Duration cacheTtl, boolean developmentKeysAllowed) {
        if (cacheTtl.compareTo(MAX_CACHE_TTL) > 0) {
            throw new IllegalArgumentException("the key cache TTL must be at most " + MAX_CACHE_TTL.toSeconds() + " s");
        }
        this.dynamo = dynamo;
        this.table = storesTable;
        this.stores = stores;
        this.clock = clock;
        this.cacheTtl = cacheTtl;
        this.developmentKeysAllowed = developmentKeysAllowed;
        this.auditTable = auditTable;
    }


    /**
     * The key with id {@code kid}, revoked or not, from this container's cache when it was read less than the TTL
     * ago, else from the table (strongly consistent).
     */
    public Optional<StoreKey> find(String kid) {
        Instant now = clock.instant();
        Cached cached = cache.get(kid);
        if (cached != null && now.isBefore(cached.until())) {
            return Optional.of(cached.key());
        }
        Optional<StoreKey> key = read(kid);
        if (key.isPresent()) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(kid, new Cached(key.get(), now.plus(cacheTtl)));
        } else {
            cache.remove(kid);
        }
        return key;
    }

    /**
     * Registers {@code jwk} as key {@code kid} of {@code storeId}.
     *
     * @return created (201) or the same key again (200)
     * @throws DomainException 403 not this caller's store, 404 {@code unknown_store}, 409 {@code key_id_taken}
     *                         (another key, or a key of another store, under that id), 409 {@code key_revoked}
     *                         (a revoked id is never reused), 422 {@code development_key_refused} (a development key
     *                         outside local mode)
     */
    public Registration register(Caller caller, String storeId, String kid, StoreKeyRequest jwk) {
        requireManager(caller, storeId);
        requireKid(kid);
        if (jwk.isDevelopment() && !developmentKeysAllowed) {
            throw DomainException.rejected("development_key_refused", "This key is marked as development data: its "
                    + "private half is published, so only a local stack takes it. Register the store's own key", "development");
        }
        if (jwk.kid() != null && !jwk.kid().equals(kid)) {
            throw DomainException.invalid("kid", "The JWK's kid '" + jwk.kid() + "' differs from the path's '" + kid + "'");
        }
        stores.find(storeId).orElseThrow(() -> DomainException.notFound("unknown_store", "There is no store '" + storeId + "'"));
        StoreKey key = new StoreKey(kid, storeId, jwk.x(), clock.instant().truncatedTo(ChronoUnit.SECONDS), null, jwk.isDevelopment());
        AuditEntry entry = AuditEntry.of(caller, clock.instant(), AuditAction.KEY_REGISTERED, storeId, "key:" + kid,
                "key:" + kid + ":registered", null, Json.write(Map.of("kid", kid, "x", key.x(), "status", key.status())));
        Transaction.Outcome outcome = new Transaction(dynamo).write(List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(StoreItems.toItem(key))
                        .conditionExpression("attribute_not_exists(" + StoreItems.KEY + ")").build()).build(),
                AuditItems.put(auditTable, entry)));
        if (outcome.applied()) {
            return new Registration(key, true);
        }
        if (!outcome.conditionFailed(0)) {
            throw new IllegalStateException("audit entry " + entry.entryId() + " exists without its key");
        }
        // an id registered before: the same key again (no new entry: nothing changed) or a refusal
        StoreKey existing = !outcome.oldItem(0).isEmpty() ? StoreItems.toKey(outcome.oldItem(0))
                : read(kid).orElseThrow(() -> new IllegalStateException("key " + kid + " reported existing but cannot be read"));
        if (!existing.storeId().equals(storeId) || !existing.x().equals(jwk.x())) {
            throw DomainException.conflict("key_id_taken", "Another key is registered under the id '" + kid
                    + "'; key ids are unique in the mall: choose a new one");
        }
        if (existing.revoked()) {
            throw DomainException.conflict("key_revoked", "Key '" + kid + "' was revoked at " + existing.revokedAt()
                    + "; a revoked key is never reinstated: register a new key under a new id");
        }
        return new Registration(existing, false);
    }

    /** The keys of {@code storeId}, active and revoked, by id. */
    public List<StoreKey> list(Caller caller, String storeId) {
        requireManager(caller, storeId);
        stores.find(storeId).orElseThrow(() -> DomainException.notFound("unknown_store", "There is no store '" + storeId + "'"));
        List<StoreKey> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true)
                    .filterExpression(StoreItems.KEYS_OF_STORE)
                    .expressionAttributeValues(Map.of(":store", StoreItems.s(storeId)));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse response = dynamo.scan(request.build());
            response.items().forEach(item -> keys.add(StoreItems.toKey(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        keys.sort(Comparator.comparing(StoreKey::kid));
        return keys;
    }

    /**
     * Revokes key {@code kid} of {@code storeId}: codes signed with it are refused from now on (in every container
     * within the cache TTL); what was credited stays. Revoking a revoked key answers the first revocation.
     *
     * @throws DomainException 403 not this caller's store, 404 {@code key_not_found}
     */
    public StoreKey revoke(Caller caller, String storeId, String kid) {
        requireManager(caller, storeId);
        requireKid(kid);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        AuditEntry entry = AuditEntry.of(caller, clock.instant(), AuditAction.KEY_REVOKED, storeId, "key:" + kid,
                "key:" + kid + ":revoked", Json.write(Map.of("status", "active")),
                Json.write(Map.of("status", "revoked", "revokedAt", now.toString())));
        Transaction.Outcome outcome = new Transaction(dynamo).write(List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(StoreItems.keyItemKey(kid))
                        .updateExpression("SET #revoked = :now")
                        .conditionExpression("#keyOf = :store AND attribute_not_exists(#revoked)")
                        .expressionAttributeNames(Map.of("#revoked", StoreItems.REVOKED_AT, "#keyOf", StoreItems.KEY_OF))
                        .expressionAttributeValues(Map.of(":now", StoreItems.s(now.toString()), ":store", StoreItems.s(storeId)))
                        .build()).build(),
                AuditItems.put(auditTable, entry)));
        if (!outcome.applied() && !outcome.conditionFailed(0)) {
            throw new IllegalStateException("audit entry " + entry.entryId() + " exists without its revocation");
        }
        // not applied: no such key of this store, or revoked before (its entry was written then); the read tells which
        cache.remove(kid);
        StoreKey key = read(kid).filter(k -> k.storeId().equals(storeId))
                .orElseThrow(() -> DomainException.notFound("key_not_found", "Store '" + storeId + "' has no key '" + kid + "'"));
        if (!key.revoked()) {
            throw new IllegalStateException("key " + kid + " is still active after its revocation");
        }
        return key;
    }

    private Optional<StoreKey> read(String kid) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(StoreItems.keyItemKey(kid))
                .consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(StoreItems.toKey(response.item())) : Optional.empty();
    }

    private static void requireManager(Caller caller, String storeId) {
        if (!caller.mayManageStore(storeId)) {
            throw DomainException.forbidden("forbidden", "Only an admin or the manager of store '" + storeId + "' may do this");
        }
    }

    private static void requireKid(String kid) {
        if (kid == null || !StoreKey.KID.matcher(kid).matches()) {
            throw DomainException.invalid("kid", "kid must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }
}
