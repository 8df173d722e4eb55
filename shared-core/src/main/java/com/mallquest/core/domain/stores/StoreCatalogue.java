package com.mallquest.core.domain.stores;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.json.Json;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The mall's stores, read from the Stores table through two caches: the shared cache holds each store under its own
 * key ({@link #storeKey}, a few hundred bytes) and the whole list under {@link #CACHE_KEY} for
 * {@code STORE_CACHE_TTL_SECONDS}; each container keeps a copy of what it read for {@link #LOCAL_TTL} (at most
 * {@link #LOCAL_MAX_STORES} stores and one list). A receipt needs one store, so it reads one store's entry (about
 * 1 ECPU), and no entry at all while its container's copy is fresh; only the list ({@code GET /stores}) reads the
 * whole catalogue.
 *
 * <p>A change saved through {@link #save} drops both shared entries and this container's copy at once; other
 * containers see it within {@link #LOCAL_TTL}. A store that is in no cache is looked up in the table (and never
 * remembered as absent), so a store added a moment ago is found at once everywhere.
 *
 * <pre>{@code
 * StoreCatalogue stores = services.stores();
 * Optional<Store> zara = stores.find("zara");
 * List<Store> open = stores.listActive();
 * }</pre>
 */
public final class StoreCatalogue {

    /** The cache entry holding the whole catalogue as JSON (the list; receipts never read it). */
    public static final String CACHE_KEY = CacheKeys.build("stores", "catalogue", "all");
    /** How long a container serves its own copy of a store (or of the list) without asking the shared cache. */
    public static final Duration LOCAL_TTL = Duration.ofSeconds(10);
    /** The most stores a container copies (a 50-mall chain has about 1,250); beyond it the copy starts over. */
    static final int LOCAL_MAX_STORES = 4_096;
    private static final TypeReference<List<Store>> STORE_LIST = new TypeReference<>() { };

    private final DynamoDbClient dynamo;
    private final String table;
    private final Cache cache;
    private final Duration ttl;
    private final LongSupplier nanoTime;
    /** This container's copy: store id → the store and when the copy expires ({@link System#nanoTime()}). */
    private final ConcurrentHashMap<String, Local<Store>> local = new ConcurrentHashMap<>();
    private volatile Local<List<Store>> localList;

    private record Local<T>(T value, long expiresAtNanos) { }

    public StoreCatalogue(DynamoDbClient dynamo, String storesTable, Cache cache, Duration ttl) {
        this(dynamo, storesTable, cache, ttl, System::nanoTime);
    }

    StoreCatalogue(DynamoDbClient dynamo, String storesTable, Cache cache, Duration ttl, LongSupplier nanoTime) {
        this.dynamo = dynamo;
        this.table = storesTable;
        this.cache = cache;
        this.ttl = ttl;
        this.nanoTime = nanoTime;
    }


    /** The shared cache's entry of one store: {@code mq:stores:{s:<storeId>}}. */
    public static String storeKey(String storeId) {
        return CacheKeys.build("stores", "s:" + storeId);
    }

    /**
     * The store with {@code storeId}, active or not: this container's copy, else its shared cache entry, else the
     * table (then cached).
     */
    public Optional<Store> find(String storeId) {
        Optional<Store> copy = localStore(storeId);
        if (copy.isPresent() || !Store.ID.matcher(storeId).matches()) {
            return copy;
        }
        return found(storeId, cache.get(storeKey(storeId)));
    }

    /**
     * {@link #find(String)}, with the shared cache's read (when this container has no fresh copy) sent among the
     * other operations of {@code batch}: the store can be asked for once the batch has run.
     */
    public Supplier<Optional<Store>> find(CacheBatch batch, String storeId) {
        Optional<Store> copy = localStore(storeId);
        if (copy.isPresent() || !Store.ID.matcher(storeId).matches()) {
            return () -> copy;
        }
        CacheBatch.Result<Optional<String>> cached = batch.get(storeKey(storeId));
        return () -> found(storeId, cached.get());
    }

    /** The store from its shared entry ({@code cached}) or from the table (then cached); copied into this container. */
    private Optional<Store> found(String storeId, Optional<String> cached) {
        Store store = cached.map(StoreCatalogue::parseStore).orElse(null);
        if (store == null) {
            var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(StoreItems.storeKey(storeId)).build());
            if (!response.hasItem() || response.item().isEmpty()) {
                return Optional.empty();
            }
            store = StoreItems.toStore(response.item());
            cache.set(storeKey(storeId), Json.write(store), ttl);
        }
        if (local.size() >= LOCAL_MAX_STORES) {
            local.clear();
        }
        local.put(storeId, new Local<>(store, nanoTime.getAsLong() + LOCAL_TTL.toNanos()));
        return Optional.of(store);
    }

    private Optional<Store> localStore(String storeId) {
        Local<Store> copy = local.get(storeId);
        return copy != null && fresh(copy) ? Optional.of(copy.value()) : Optional.empty();
    }

    private boolean fresh(Local<?> copy) {
        return nanoTime.getAsLong() - copy.expiresAtNanos() < 0;
    }

    /** A store's cached JSON; null when it does not parse (written by an older shape of Store: read the table). */
    private static Store parseStore(String json) {
        try {
            return Json.MAPPER.readValue(json, Store.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The active stores, by name. */
    public List<Store> listActive() {
        return all().stream().filter(Store::active).sorted(Comparator.comparing(Store::name)).toList();
    }

    /** Every store: this container's copy of the list, else the shared cache's, else the table (then cached). */
    public List<Store> all() {
        Local<List<Store>> copy = localList;
        if (copy != null && fresh(copy)) {
            return copy.value();
        }
        List<Store> stores = cache.get(CACHE_KEY).map(StoreCatalogue::parseList).orElse(null);
        if (stores == null) {
            stores = scan();
            cache.set(CACHE_KEY, Json.write(stores), ttl);
        }
        localList = new Local<>(stores, nanoTime.getAsLong() + LOCAL_TTL.toNanos());
        return stores;
    }

    private static List<Store> parseList(String json) {
        try {
            return List.copyOf(Json.MAPPER.readValue(json, STORE_LIST));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Adds or replaces a store (no version check: seeds and tests; operators use {@link StoreRegistry}) and drops its cached copies. */
    public void save(Store store) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(StoreItems.toItem(store)).build());
        forget(store.storeId());
    }

    /**
     * Drops the shared entries of {@code storeId} and of the list, and this container's copies: this container sees a
     * change at once, the others within {@link #LOCAL_TTL}.
     */
    public void forget(String storeId) {
        local.remove(storeId);
        localList = null;
        CacheBatch batch = new CacheBatch();
        batch.delete(storeKey(storeId));
        batch.delete(CACHE_KEY);
        cache.execute(batch);
    }

    /**
     * Reads the stores of a seed file (the format of {@code local/seed/StoresTable.json}: a JSON array of the
     * table's items); its store-key items ({@link StoreItems#isKeyItem}) are left out.
     */
    public static List<Store> readSeed(InputStream json) {
        try {
            List<Map<String, Object>> items = Json.MAPPER.readValue(json, new TypeReference<>() { });
            List<Store> stores = new ArrayList<>();
            for (Map<String, Object> item : items) {
                if (!String.valueOf(item.get(StoreItems.KEY)).startsWith(StoreItems.KEY_PREFIX)) {
                    Map<String, Object> store = new java.util.HashMap<>(item);
                    store.remove(StoreItems.DEVELOPMENT); // the item's marker, not the store's
                    store.remove(StoreItems.VERSION);
                    stores.add(Json.MAPPER.convertValue(store, Store.class));
                }
            }
            return stores;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the store seed", e);
        }
    }

    private List<Store> scan() {
        List<Store> stores = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).filterExpression(StoreItems.STORES_ONLY);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse response = dynamo.scan(request.build());
            response.items().forEach(item -> stores.add(StoreItems.toStore(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        stores.sort(Comparator.comparing(Store::storeId));
        return List.copyOf(stores);
    }
}
