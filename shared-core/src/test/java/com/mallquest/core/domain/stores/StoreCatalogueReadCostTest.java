package com.mallquest.core.domain.stores;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.dynamo.BatchWrite;
import com.mallquest.core.platform.dynamo.BatchWriter;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.local.testsupport.RedisMeter;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a receipt's store read costs the shared cache, measured on a redis-server of this class's own (bytes the
 * server sends, {@code INFO stats total_net_output_bytes}) with a 50-mall catalogue of 1,250 stores.
 */
class StoreCatalogueReadCostTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    static final int STORES = 1_250;

    Platform core;

    @BeforeEach
    void setUp() {
        core = Platform.fromEnvironment(redis.environment());
        List<BatchWrite> puts = new ArrayList<>();
        for (int i = 0; i < STORES; i++) {
            Store store = new Store(String.format("store-%04d", i), "Store number " + i + " of the chain",
                    "fashion", "L" + (i % 4), new BigDecimal("1.5"), new BigDecimal("2000"), true);
            puts.add(BatchWrite.put(core.settings().storesTable(), StoreItems.toItem(store)));
        }
        assertTrue(BatchWriter.builder(core.dynamoDb()).build().write(puts).allWritten());
    }

    @Test
    void find_shouldReadOneStoresEntry_notTheWholeCatalogue_whenTheListIsCached() {
        // GIVEN the whole catalogue cached by a list read (GET /stores) in one container
        assertEquals(STORES, new Services(core).stores().all().size());
        StoreCatalogue container = new Services(core).stores();
        container.find("store-0001"); // the container's connection opened, and one store's entry cached
        RedisMeter meter = RedisMeter.of(redis.server());

        // WHEN another store is read twice in that container (a receipt, then its retry)
        Store found = container.find("store-0042").orElseThrow();
        long first = meter.takeSentBytes();
        container.find("store-0042").orElseThrow();
        long second = meter.takeSentBytes();

        // THEN the first read moves about one store's entry (not the ~190 KB catalogue), the second nothing
        assertEquals("Store number 42 of the chain", found.name());
        assertTrue(first < 2_048, "bytes from Redis for one store: " + first);
        assertTrue(second < 64, "bytes from Redis for a store this container copied: " + second);
    }

    @Test
    void find_shouldSeeAnotherContainersChange_withinTheLocalLifetime() {
        // GIVEN a container that copied store-0007 (active), on a clock of its own
        AtomicLong nanos = new AtomicLong();
        StoreCatalogue container = new StoreCatalogue(core.dynamoDb(), core.settings().storesTable(), core.cache(),
                core.settings().storeCacheTtl(), nanos::get);
        assertTrue(container.find("store-0007").orElseThrow().active());
        // WHEN another container deactivates it
        new Services(core).stores().save(new Store("store-0007", "Store 7", "fashion", "L3", BigDecimal.ONE, null, false));
        // THEN the copy serves until LOCAL_TTL has passed, and the change after
        nanos.addAndGet(StoreCatalogue.LOCAL_TTL.toNanos() - 1);
        assertTrue(container.find("store-0007").orElseThrow().active());
        nanos.addAndGet(1);
        assertFalse(container.find("store-0007").orElseThrow().active());
    }
}
