package com.mallquest.core.domain.receipts;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.campaigns.CampaignBudgets;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.platform.ratelimit.RateLimiter;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.ReceiptCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daily fraud limits, counted in DynamoDB: they hold across containers, count a claim once, refuse whole. */
class DailyLimitsTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private TestStack cores;
    private Map<String, String> env;
    private DynamoDbClient dynamo;
    private MutableClock clock;

    @BeforeEach
    void setUp() {
        cores = TestStack.seeded("receipts", NOW, Map.of("RECEIPT_DAILY_COIN_LIMIT", "100", "RECEIPT_DAILY_STORE_LIMIT", "3"));
        env = cores.env;
        dynamo = cores.dynamo;
        clock = cores.clock;
    }

    /** One container: its own in-memory cache, the shared tables. */
    private Platform core(DynamoDbClient client, MemoryCache cache) {
        return cores.core(client, cache);
    }

    private ReceiptService container() {
        return new Services(core(dynamo, new MemoryCache()), (u, t, d) -> { }).receipts();
    }

    /** Zara ×1.0: the amount in whole units is the coins. */
    private static ReceiptRequest zara(String id, String amount) {
        return ReceiptRequest.signed(ReceiptCodes.code("zara", id, amount, NOW.minusSeconds(600)));
    }

    private static ReceiptRequest nike(String id, String amount) { // ×1.5
        return ReceiptRequest.signed(ReceiptCodes.code("nike", id, amount, NOW.minusSeconds(600)));
    }

    private long coins(String userId) {
        return new Services(core(dynamo, new MemoryCache())).ledger().account(userId).coins();
    }

    private Map<String, AttributeValue> limitItem(String userId) {
        return dynamo.getItem(b -> b.tableName(Settings.fromEnvironment(env).receiptsTable())
                .key(ReceiptItems.limitKey(userId, LocalDate.of(2026, 11, 25))).consistentRead(true)).item();
    }

    @Test
    void coinLimit_shouldRefuseTheReceiptThatWouldPassIt_andCountNothingForIt() {
        // GIVEN 60 + 40 coins today (exactly the limit of 100)
        container().submit("u1", zara("Z-1", "60.00"));
        container().submit("u1", nike("N-1", "26.99")); // 40 coins
        // WHEN one more coin's worth comes
        DomainException e = assertThrows(DomainException.class, () -> container().submit("u1", zara("Z-2", "1.00")));
        // THEN 422 daily_coin_limit_reached; nothing credited, the total unchanged, the claim released
        assertEquals("daily_coin_limit_reached", e.code());
        assertEquals(DomainException.Kind.REJECTED, e.kind());
        assertEquals(100, coins("u1"));
        assertEquals("100", limitItem("u1").get("coins").n());
        assertFalse(new Services(core(dynamo, new MemoryCache())).receiptClaims().find("zara", "Z-2").isPresent());
        // AND another user is not affected; and tomorrow the same receipt is accepted
        assertFalse(container().submit("u2", zara("Z-3", "1.00")).replayed());
        clock.advance(Duration.ofDays(1));
        assertFalse(container().submit("u1", zara("Z-2", "1.00")).replayed());
        assertEquals(101, coins("u1"));
    }

    @Test
    void storeLimit_shouldRefuseTheFourthReceiptOfOneStoreInADay() {
        for (int i = 1; i <= 3; i++) {
            container().submit("u1", zara("Z-" + i, "1.00"));
        }
        DomainException e = assertThrows(DomainException.class, () -> container().submit("u1", zara("Z-4", "1.00")));
        assertEquals("daily_store_limit_reached", e.code());
        assertEquals(3, coins("u1"));
        assertFalse(container().submit("u1", nike("N-1", "1.00")).replayed()); // another store
    }

    @Test
    void limits_shouldHoldAcrossContainers_whenReceiptsRaceInParallel() throws Exception {
        // GIVEN 12 receipts of 10 coins each at four stores (3 each), sent at once through 12 containers
        List<ReceiptRequest> receipts = new java.util.ArrayList<>();
        for (String store : List.of("zara", "hm", "apple", "mediamarkt")) {
            for (int i = 0; i < 3; i++) {
                String amount = store.equals("apple") || store.equals("mediamarkt") ? "20.00" : "10.00"; // ×0.5
                receipts.add(ReceiptRequest.signed(ReceiptCodes.code(store, store + "-" + i, amount, NOW.minusSeconds(60))));
            }
        }
        List<Object> outcomes = Concurrently.run(12, i -> () -> container().submit("u1", receipts.get(i)));
        // THEN exactly ten are credited (100 coins), two refused by the coin limit
        long credited = outcomes.stream().filter(o -> o instanceof ReceiptResult).count();
        long refused = outcomes.stream().filter(o -> o instanceof DomainException e && e.code().equals("daily_coin_limit_reached")).count();
        assertEquals(10, credited, outcomes.toString());
        assertEquals(2, refused, outcomes.toString());
        assertEquals(100, coins("u1"));
        assertEquals("100", limitItem("u1").get("coins").n());
    }

    @Test
    void count_shouldCountAClaimOnce_whenACrashAfterItsTransactionIsRetried() {
        // GIVEN an attempt that died right after its transaction counted its 60 coins (writes: rate count, transaction)
        CrashingDynamoDb crashing = new CrashingDynamoDb(dynamo, 2);
        assertThrows(CrashingDynamoDb.Crash.class,
                () -> new Services(core(crashing, new MemoryCache()), (u, t, d) -> { }).receipts().submit("u1", zara("Z-1", "60.00")));
        assertEquals("60", limitItem("u1").get("coins").n());
        // WHEN the shopper retries
        assertTrue(container().submit("u1", zara("Z-1", "60.00")).replayed());
        // THEN the receipt is counted once: 40 more coins still fit today
        assertEquals("60", limitItem("u1").get("coins").n());
        assertFalse(container().submit("u1", zara("Z-2", "40.00")).replayed());
        assertEquals(100, coins("u1"));
    }

    @Test
    void count_shouldNotRefuseAClaimCountedBefore_whenTheLimitWasLoweredSince() {
        // GIVEN an unsigned waterstones receipt (×2.0: 80 coins) waiting for review, counted at submission
        ReceiptRequest unsigned = ReceiptRequest.unsigned(new ReceiptSubmission("W-1", "waterstones", new BigDecimal("40.00"),
                NOW.minusSeconds(600)));
        assertTrue(container().submit("u1", unsigned) instanceof PendingReview);
        assertEquals("80", limitItem("u1").get("coins").n());
        // WHEN the daily coin limit is lowered below the claim's coins, and a reviewer approves it
        Platform core = core(dynamo, new MemoryCache());
        ReceiptService.Rules rules = ReceiptService.Rules.from(core.settings());
        Services services = new Services(core, (u, t, d) -> { });
        ReceiptService lowered = new ReceiptService(core.dynamoDb(), core.settings().receiptsTable(), services.receiptClaims(),
                services.stores(), services.storeKeys(), services.ledger(), services.gamification(),
                new RateLimiter(core.cache(), core.clock()), (u, t, d) -> { }, core.cache(), core.clock(),
                new ReceiptService.Rules(rules.rateLimit(), rules.claimWindow(), rules.clockSkew(), rules.mallMaxAmount(),
                        rules.pendingGrace(), 50, rules.dailyStoreLimit(), rules.mallZone()), services.campaigns(),
                new CampaignBudgets(core.dynamoDb(), core.settings().campaignsTable(), rules.mallZone()));
        ReceiptResult approved = lowered.approve("waterstones", "W-1",
                new Caller("ws-staff", java.util.Set.of(Caller.STORE_MANAGER_GROUP), "waterstones"));
        // THEN "already counted" is checked first: it is credited once, counted once, and its claim kept
        assertFalse(approved.replayed());
        assertEquals(80, coins("u1"));
        assertEquals("80", limitItem("u1").get("coins").n());
        assertTrue(new Services(core).receiptClaims().find("waterstones", "W-1").orElseThrow().credited());
    }
}
