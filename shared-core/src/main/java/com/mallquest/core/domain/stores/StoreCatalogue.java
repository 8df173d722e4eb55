package com.mallquest.core.domain.stores;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.platform.wiring.CoreServices;
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
import java.util.function.Supplier;

/**
 * The mall's stores, read from the Stores table and cached for {@code STORE_CACHE_TTL_SECONDS} in the shared
 * cache (one entry holding the whole catalogue: a mall has tens of stores, not thousands).
 *
 * <pre>{@code
 * StoreCatalogue stores = StoreCatalogue.of(core);
 * Optional<Store> zara = stores.find("zara");
 * List<Store> open = stores.listActive();
 * }</pre>
 */
public final class StoreCatalogue {

    /** The cache entry holding the catalogue as JSON. */
    public static final String CACHE_KEY = CacheKeys.build("stores", "catalogue", "all");
    private static final TypeReference<List<Store>> STORE_LIST = new TypeReference<>() { };

    private final DynamoDbClient dynamo;
    private final String table;
    private final Cache cache;
    private final Duration ttl;
    /** The catalogue text this container parsed last, and what it parsed to. */
    private volatile Parsed lastParsed;

    private record Parsed(String json, List<Store> stores) { }

    public StoreCatalogue(DynamoDbClient dynamo, String storesTable, Cache cache, Duration ttl) {
        this.dynamo = dynamo;
        this.table = storesTable;
        this.cache = cache;
        this.ttl = ttl;
    }

    public static StoreCatalogue of(CoreServices core) {
        return new StoreCatalogue(core.dynamoDb(), core.settings().storesTable(), core.cache(), core.settings().storeCacheTtl());
    }

    /**
     * The store with {@code storeId}, active or not. A store missing from the cached catalogue is looked up in
     * the table, so a store added a moment ago is found before the cache expires.
     */
    public Optional<Store> find(String storeId) {
        return find(all(), storeId);
    }

    /**
     * {@link #find(String)}, with the catalogue's cache read sent among the other operations of {@code batch}: the
     * store can be asked for once the batch has run.
     */
    public Supplier<Optional<Store>> find(CacheBatch batch, String storeId) {
        CacheBatch.Result<Optional<String>> cached = batch.get(CACHE_KEY);
        return () -> find(all(cached.get()), storeId);
    }

    private Optional<Store> find(List<Store> all, String storeId) {
        for (Store store : all) {
            if (store.storeId().equals(storeId)) {
                return Optional.of(store);
            }
        }
        if (!Store.ID.matcher(storeId).matches()) {
            return Optional.empty();
        }
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(StoreItems.storeKey(storeId)).build());
        return response.hasItem() && !response.item().isEmpty() ? Optional.of(StoreItems.toStore(response.item())) : Optional.empty();
    }

    /** The active stores, by name. */
    public List<Store> listActive() {
        return all().stream().filter(Store::active).sorted(Comparator.comparing(Store::name)).toList();
    }

    /**
     * Every store (cached). The cached catalogue is read from the cache every time (a change is seen at once); it is
     * parsed again only when its text differs from the last one this container parsed.
     */
    public List<Store> all() {
        return all(cache.get(CACHE_KEY));
    }

    /** The catalogue from what the cache held ({@code cached}), or from the table (then cached). */
    private List<Store> all(Optional<String> cached) {
        if (cached.isPresent()) {
            Parsed last = lastParsed;
            if (last != null && last.json().equals(cached.get())) {
                return last.stores();
            }
            try {
                List<Store> stores = List.copyOf(Json.MAPPER.readValue(cached.get(), STORE_LIST));
                lastParsed = new Parsed(cached.get(), stores);
                return stores;
            } catch (JsonProcessingException e) {
                cache.delete(CACHE_KEY); // written by an older shape of Store: read the table again
            }
        }
        List<Store> stores = scan();
        cache.set(CACHE_KEY, Json.write(stores), ttl);
        return stores;
    }

    /** Adds or replaces a store and drops the cached catalogue. */
    public void save(Store store) {
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(StoreItems.toItem(store)).build());
        cache.delete(CACHE_KEY);
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
                    stores.add(Json.MAPPER.convertValue(item, Store.class));
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
