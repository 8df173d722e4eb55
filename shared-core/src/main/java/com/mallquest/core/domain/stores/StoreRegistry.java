package com.mallquest.core.domain.stores;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import com.mallquest.core.domain.audit.AuditAction;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditItems;
import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.json.Json;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stores as the mall's operators change them: created and replaced through the API with a version that makes a
 * lost update impossible (optimistic concurrency: the caller sends the version it read, the write is conditional on
 * it), listed with the inactive ones, paged. Each change is one {@code TransactWriteItems}: the store and its audit
 * entry ({@link AuditItems}) are written together or not at all. Every change drops the cached catalogue ({@link StoreCatalogue}), so
 * receipts see it at once (in every container that shares the cache; within the catalogue TTL otherwise).
 *
 * <pre>{@code
 * StoreRegistry registry = new StoreRegistry(dynamo, storesTable, auditTable, catalogue, clock, false);
 * StoreRegistry.Saved saved = registry.put(admin, change.toStore("zara"), null, false);   // created, version 1
 * registry.put(admin, changed, saved.store().version(), false);                         // replaced, version 2
 * }</pre>
 */
public final class StoreRegistry {

    /** The most stores one page lists. */
    public static final int MAX_PAGE = 100;
    private static final int MAX_CURSOR = 80;

    private final DynamoDbClient dynamo;
    private final String table;
    private final StoreCatalogue catalogue;
    private final boolean developmentAllowed;
    private final String auditTable;
    private final Clock clock;

    /**
     * A store with its version (the ETag of the API) and its development marker.
     *
     * @param version raised by one on every change; the seed's stores are version 1
     */
    public record Versioned(Store store, long version, boolean development) {
        /** The store's version as an HTTP entity tag: {@code "3"}. */
        public String etag() {
            return "\"" + version + "\"";
        }
    }

    /**
     * The outcome of {@link #put}.
     *
     * @param before the store as it was; null when this call created it
     */
    public record Saved(Versioned store, Store before) {
        public boolean created() {
            return before == null;
        }
    }

    /** One page of stores by id; {@code nextCursor} null on the last page. */
    public record Page(List<Versioned> stores, String nextCursor) { }

    /**
     * @param auditTable         the audit trail's table: each change is written there in the same transaction
     * @param developmentAllowed true on a local stack only: a store marked {@code development} may be written
     */
    public StoreRegistry(DynamoDbClient dynamo, String storesTable, String auditTable, StoreCatalogue catalogue, Clock clock,
                         boolean developmentAllowed) {
        this.dynamo = dynamo;
        this.auditTable = auditTable;
        this.clock = clock;
        this.table = storesTable;
        this.catalogue = catalogue;
        this.developmentAllowed = developmentAllowed;
    }

    /**
     * Creates {@code store} ({@code expectedVersion} null) or replaces it ({@code expectedVersion} the version the
     * caller read, the ETag it sends as {@code If-Match}).
     *
     * @throws DomainException 403 not an admin; 428 {@code version_required} (the store exists and no version was
     *                         given); 412 {@code version_mismatch} (the store changed since, or does not exist);
     *                         422 {@code development_data_refused}
     */
    public Saved put(Caller caller, Store store, Long expectedVersion, boolean development) {
        if (!caller.isAdmin()) {
            throw DomainException.forbidden("forbidden", "Only an administrator creates or changes stores");
        }
        if (development && !developmentAllowed) {
            throw DomainException.rejected("development_data_refused", "This store is marked as development data; "
                    + "only a local stack takes it", "development");
        }
        Map<String, AttributeValue> current = currentItem(store.storeId());
        if (current != null && expectedVersion == null || current == null && expectedVersion != null
                || current != null && StoreItems.version(current) != expectedVersion) {
            throw refusal(store.storeId(), expectedVersion, current);
        }
        long version = expectedVersion == null ? 1 : expectedVersion + 1;
        Put.Builder put = Put.builder().tableName(table).item(StoreItems.toItem(store, version, development))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        if (expectedVersion == null) {
            put.conditionExpression("attribute_not_exists(#id)").expressionAttributeNames(Map.of("#id", StoreItems.KEY));
        } else if (expectedVersion == 1) {
            put.conditionExpression("attribute_exists(#id) AND (attribute_not_exists(#v) OR #v = :v)")
                    .expressionAttributeNames(Map.of("#id", StoreItems.KEY, "#v", StoreItems.VERSION))
                    .expressionAttributeValues(Map.of(":v", StoreItems.n("1")));
        } else {
            put.conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", StoreItems.VERSION))
                    .expressionAttributeValues(Map.of(":v", StoreItems.n(Long.toString(expectedVersion))));
        }
        Store before = current == null ? null : StoreItems.toStore(current);
        Versioned after = new Versioned(store, version, development);
        AuditEntry entry = AuditEntry.of(caller, clock.instant(), before == null ? AuditAction.STORE_CREATED : AuditAction.STORE_CHANGED,
                store.storeId(), "store:" + store.storeId(), "store:" + store.storeId() + ":v" + version,
                before == null ? null : Json.write(before), Json.write(store));
        Transaction.Outcome outcome = new Transaction(dynamo).write(List.of(
                TransactWriteItem.builder().put(put.build()).build(), AuditItems.put(auditTable, entry)));
        if (!outcome.applied()) {
            if (!outcome.conditionFailed(0)) {
                throw new IllegalStateException("audit entry " + entry.entryId() + " was written before its change");
            }
            // another operator's change came between the read and the write: refused, and no audit entry exists
            Map<String, AttributeValue> now = outcome.oldItem(0).isEmpty() ? currentItem(store.storeId()) : outcome.oldItem(0);
            throw refusal(store.storeId(), expectedVersion, now);
        }
        catalogue.forget(store.storeId());
        return new Saved(after, before);
    }

    /** The refusal of a write whose condition failed, from the item as it is ({@code current}, null: none). */
    static DomainException refusal(String storeId, Long expectedVersion, Map<String, AttributeValue> current) {
        if (expectedVersion == null) {
            DomainException required = DomainException.versionRequired("version_required", "Store '" + storeId
                    + "' exists: send If-Match with the ETag of GET /admin/stores/" + storeId + " to replace it");
            return current == null ? required : required.detail("currentVersion", StoreItems.version(current));
        }
        if (current == null) {
            return DomainException.stale("version_mismatch", "There is no store '" + storeId
                    + "' to replace; create it without If-Match");
        }
        return DomainException.stale("version_mismatch", "Store '" + storeId + "' changed since version " + expectedVersion
                + " (it is at version " + StoreItems.version(current) + "): read it again and reapply your change")
                .detail("currentVersion", StoreItems.version(current));
    }

    /** The store with its version, read consistently; empty when there is none. */
    public Optional<Versioned> find(String storeId) {
        if (storeId == null || !Store.ID.matcher(storeId).matches()) {
            return Optional.empty();
        }
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(StoreItems.storeKey(storeId))
                .consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(versioned(response.item())) : Optional.empty();
    }

    /** {@link #find}, for an admin or the store's manager; 404 {@code unknown_store}. */
    public Versioned get(Caller caller, String storeId) {
        if (!caller.mayManageStore(storeId)) {
            throw DomainException.forbidden("forbidden", "Only an admin or the manager of store '" + storeId + "' may read it here");
        }
        return find(storeId).orElseThrow(() -> DomainException.notFound("unknown_store", "There is no store '" + storeId + "'"));
    }

    /**
     * Every store, active or not, by id, {@code limit} at a time after {@code cursor}. A mall has tens of stores,
     * not thousands: one consistent scan of the table's store items, sorted, then cut (a page is never short).
     *
     * @param cursor a page's {@code nextCursor} (the base64url of the last store id listed); null: the first page
     */
    public Page page(Caller caller, int limit, String cursor) {
        if (!caller.isAdmin()) {
            throw DomainException.forbidden("forbidden", "Only an administrator lists the stores");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw DomainException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        String after = decodeCursor(cursor);
        List<Versioned> all = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true)
                    .filterExpression(StoreItems.STORES_ONLY);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse response = dynamo.scan(request.build());
            response.items().forEach(item -> all.add(versioned(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        all.sort(Comparator.comparing(v -> v.store().storeId()));
        List<Versioned> page = all.stream().filter(v -> after == null || v.store().storeId().compareTo(after) > 0).limit(limit).toList();
        boolean more = !page.isEmpty() && all.get(all.size() - 1) != page.get(page.size() - 1);
        return new Page(page, more ? Base64.getUrlEncoder().withoutPadding().encodeToString(
                page.get(page.size() - 1).store().storeId().getBytes(StandardCharsets.UTF_8)) : null);
    }

    private Map<String, AttributeValue> currentItem(String storeId) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(StoreItems.storeKey(storeId))
                .consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    private static Versioned versioned(Map<String, AttributeValue> item) {
        return new Versioned(StoreItems.toStore(item), StoreItems.version(item), StoreItems.development(item));
    }

    private static String decodeCursor(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            if (cursor.length() > MAX_CURSOR) {
                throw new IllegalArgumentException("too long");
            }
            String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!Store.ID.matcher(id).matches()) {
                throw new IllegalArgumentException("not a store id");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("invalid_cursor", "cursor is not one this API gave out", "cursor");
        }
    }
}
