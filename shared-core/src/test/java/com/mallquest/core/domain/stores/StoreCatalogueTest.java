package com.mallquest.core.domain.stores;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.platform.cache.MemoryCache;

import com.mallquest.core.testing.StoreSeed;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.time.Instant;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreCatalogueTest {

    private DynamoDbClient dynamo;
    private String table;
    private MemoryCache cache;
    private StoreCatalogue catalogue;

    private static List<Store> seed() {
        return StoreSeed.stores();
    }

    @BeforeEach
    void setUp() {
        TestStack stack = TestStack.empty("stores", Instant.parse("2026-11-25T10:00:00Z"), Map.of());
        table = stack.core().settings().storesTable();
        dynamo = stack.dynamo;
        cache = new MemoryCache();
        catalogue = new StoreCatalogue(dynamo, table, cache, Duration.ofMinutes(1));
    }

    @Test
    void seed_shouldHoldARealisticCatalogue_withSomeInactiveStores() throws Exception {
        // GIVEN the seed file WHEN read THEN 15..25 valid stores, unique ids, several categories, some inactive
        List<Store> stores = seed();
        assertTrue(stores.size() >= 15 && stores.size() <= 25, "stores: " + stores.size());
        assertEquals(stores.size(), stores.stream().map(Store::storeId).distinct().count());
        assertTrue(stores.stream().map(Store::category).distinct().count() >= 8);
        assertTrue(stores.stream().filter(s -> !s.active()).count() >= 2);
    }

    @Test
    void listActive_shouldListActiveStoresByName_whenSeeded() throws Exception {
        // GIVEN the seed in the table
        for (Store s : seed()) {
            catalogue.save(s);
        }
        // WHEN listing
        List<Store> active = catalogue.listActive();
        // THEN only active ones, sorted by name, with their values intact
        assertEquals(seed().stream().filter(Store::active).count(), active.size());
        assertTrue(active.stream().allMatch(Store::active));
        assertEquals(active.stream().map(Store::name).sorted().toList(), active.stream().map(Store::name).toList());
        Store nike = catalogue.find("nike").orElseThrow();
        assertEquals(0, new BigDecimal("1.5").compareTo(nike.multiplier()));
        assertEquals(0, new BigDecimal("2000").compareTo(nike.maxReceiptAmount()));
        assertFalse(catalogue.find("the-body-shop").orElseThrow().active());
        assertTrue(catalogue.find("no-such-store").isEmpty());
    }

    @Test
    void all_shouldServeFromCache_untilSaveInvalidatesIt() {
        // GIVEN one store, read once (cached)
        catalogue.save(new Store("zara", "Zara", "fashion", "L1", BigDecimal.ONE, null, true));
        assertEquals(1, catalogue.all().size());
        // WHEN a store is written behind the catalogue's back
        dynamo.putItem(PutItemRequest.builder().tableName(table).item(StoreItems.toItem(
                new Store("hm", "H&M", "fashion", "L1", BigDecimal.ONE, null, true))).build());
        // THEN the list still comes from the cache, but find() sees the new store in the table
        assertEquals(1, catalogue.all().size());
        assertTrue(catalogue.find("hm").isPresent());
        // AND after a save through the catalogue the cache is refreshed
        catalogue.save(new Store("uniqlo", "Uniqlo", "fashion", "L2", BigDecimal.ONE, null, true));
        assertEquals(3, catalogue.all().size());
    }

    @Test
    void fromItem_shouldTreatMissingActiveAsActive_whenSeededByHand() {
        // GIVEN an item without the optional attributes WHEN read THEN defaults apply
        Store s = StoreItems.toStore(Map.of("storeId", AttributeValue.fromS("x1"), "name", AttributeValue.fromS("X"),
                "category", AttributeValue.fromS("misc"), "multiplier", AttributeValue.fromN("1")));
        assertTrue(s.active());
        assertEquals(null, s.maxReceiptAmount());
    }
}
