package com.mallquest.core.domain.spending;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.domain.stores.StoreCatalogue;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.dynamo.FaultyDynamoDbProxy;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.testing.MutableClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stock changes of the rewards catalogue on moto_server, with writes that stall on the wire and are replayed. */
class RewardCatalogueFaultTest {

    private Map<String, String> env;
    private DynamoDbClient dynamo;
    private FaultyDynamoDbProxy proxy;
    private DynamoDbClient viaProxy;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));

    @BeforeEach
    void setUp() throws Exception {
        TestStack stack = TestStack.empty("rewards", Instant.parse("2026-11-25T10:00:00Z"), Map.of());
        env = stack.env;
        dynamo = stack.dynamo;
        proxy = new FaultyDynamoDbProxy(URI.create(env.get("DYNAMODB_ENDPOINT")));
        viaProxy = proxy.productionClient(env); // the production client: 2 s per attempt, 3 attempts
    }

    @AfterEach
    void tearDown() {
        viaProxy.close();
        proxy.close();
    }

    private RewardCatalogue catalogue(DynamoDbClient client) {
        Settings settings = Settings.fromEnvironment(env);
        return new RewardCatalogue(client, settings.spendingTable(), settings.auditTable(), new MemoryCache(), Duration.ofSeconds(60), clock,
                new StoreCatalogue(client, settings.storesTable(), new MemoryCache(), Duration.ofSeconds(60)));
    }

    private static RewardChange stock(long stock) {
        return new RewardChange("Mug", null, null, 40L, stock, null, null, null, null, null, null, 30, null, null);
    }

    private static RewardChange delta(long delta, Long expectedVersion) {
        return new RewardChange("Mug", null, null, 40L, null, delta, null, null, null, null, null, 30, null, expectedVersion);
    }

    @Test
    void put_shouldAddTheStockOnce_whenTheStalledFirstWriteArrivesAfterTheSdksRetryApplied() throws Exception {
        // GIVEN a reward with 10 in stock
        RewardCatalogue direct = catalogue(dynamo);
        long version = direct.put(SpendingFixture.ADMIN, "mug", stock(10)).reward().version();
        // AND a proxy that holds the first stock write past the SDK's 2 s attempt timeout
        proxy.holdFirst(call -> call.operation().equals("TransactWriteItems") && call.body().contains("ADD "));
        // WHEN an admin adds 5: the SDK retries the stalled write, and the retry lands
        CatalogueReward after = catalogue(viaProxy).put(SpendingFixture.ADMIN, "mug", delta(5, version)).reward();
        assertTrue(proxy.awaitHeld(0), "the first stock write was held");
        assertEquals(15, after.remaining());
        // AND then the stalled first copy reaches the database
        int status = proxy.releaseHeld().get(10, TimeUnit.SECONDS);
        // THEN it was refused (its version is gone) and the 5 were added once
        assertEquals(400, status, "the late copy's condition failed");
        assertEquals(15, direct.find("mug").orElseThrow().remaining());
        assertEquals(version + 1, direct.find("mug").orElseThrow().version());
    }

    @Test
    void put_shouldAnswerARepeatOfTheSameChangeWithItsResult_andRefuseAChangeFromAnOlderVersion() {
        // GIVEN a reward with 10 in stock, and 5 added to its version
        RewardCatalogue catalogue = catalogue(dynamo);
        long version = catalogue.put(SpendingFixture.ADMIN, "mug", stock(10)).reward().version();
        RewardCatalogue.Saved first = catalogue.put(SpendingFixture.ADMIN, "mug", delta(5, version));
        assertEquals(15, first.reward().remaining());
        // WHEN the same change comes again (a client's retry) THEN the same answer, nothing added
        RewardCatalogue.Saved again = catalogue.put(SpendingFixture.ADMIN, "mug", delta(5, version));
        assertFalse(again.created());
        assertEquals(first.reward(), again.reward());
        assertEquals(15, catalogue.find("mug").orElseThrow().remaining());
        // AND another change from that older version is 409 reward_changed with the current version
        DomainException stale = assertThrows(DomainException.class, () -> catalogue.put(SpendingFixture.ADMIN, "mug", delta(3, version)));
        assertEquals("reward_changed", stale.code());
        assertEquals(version + 1, ((Number) stale.details().get("version")).longValue());
        // AND from the current version it applies
        assertEquals(18, catalogue.put(SpendingFixture.ADMIN, "mug", delta(3, version + 1)).reward().remaining());
        // AND a stockDelta without expectedVersion is refused before anything is written
        assertEquals("expectedVersion", assertThrows(DomainException.class, () -> delta(3, null)).field());
        assertEquals(18, catalogue.find("mug").orElseThrow().remaining());
    }
}
