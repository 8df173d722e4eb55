package com.mallquest.core.domain.campaigns;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.domain.earning.EarningLine;
import com.mallquest.core.domain.users.UserView;
import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.ActivityPage;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.domain.receipts.ReceiptRequest;
import com.mallquest.core.domain.receipts.ReceiptResult;
import com.mallquest.core.domain.receipts.ReceiptService;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.testing.TestStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.Semaphore;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Campaigns on the receipt path, on moto_server: a campaign earns within its window only, and its budget and
 * per-shopper cap hold under concurrency (counted in the credit's one transaction, {@link CampaignBudgets}).
 */
class CampaignBudgetsTest {

    /** Sunday 29 November 2026, noon UTC (the mall's zone in these tests). */
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Instant SATURDAY = Instant.parse("2026-11-28T15:00:00Z");
    private static final Instant FRIDAY = Instant.parse("2026-11-27T15:00:00Z");
    private static final Caller ADMIN = new Caller("admin-1", Set.of(Caller.ADMIN_GROUP));

    private TestStack cores;

    @BeforeEach
    void setUp() {
        cores = TestStack.seeded("campaigns", NOW, Map.of("RECEIPT_DAILY_STORE_LIMIT", "1000"));
    }

    private Services container() {
        return new Services(cores.core(), (u, t, d) -> { });
    }

    static CampaignChange weekendAtZara(Campaign.Status status, Campaign.Budget budget) {
        return new CampaignChange("2× weekend at Zara", status,
                new Campaign.Window(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"),
                        Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), null, null),
                new Campaign.Conditions(Set.of("zara"), null, null),
                new Campaign.Effect(new BigDecimal("2"), null, null, null), null, null, budget, null);
    }

    private static ReceiptRequest zara(String receiptId, String amount, Instant purchasedAt) {
        return ReceiptRequest.signed(ReceiptCodes.code("zara", receiptId, amount, purchasedAt));
    }

    @Test
    void submit_shouldDoubleTheCoins_insideTheWeekendCampaignsWindow_andNotOutside() {
        // GIVEN a running 2× weekend campaign at zara (×1.0)
        Services services = container();
        services.campaigns().put(ADMIN, "zara-weekend", weekendAtZara(Campaign.Status.ACTIVE, null));
        ReceiptService receipts = services.receipts();
        // WHEN 125.00 bought on Saturday, 125.00 on Friday, and 125.00 at hm on Saturday are submitted
        ReceiptResult saturday = (ReceiptResult) receipts.submit("alice", zara("Z-1", "125.00", SATURDAY));
        ReceiptResult friday = (ReceiptResult) receipts.submit("alice", zara("Z-2", "125.00", FRIDAY));
        ReceiptResult elsewhere = (ReceiptResult) receipts.submit("alice",
                ReceiptRequest.signed(ReceiptCodes.code("hm", "H-1", "125.00", SATURDAY)));
        // THEN only the Saturday receipt at zara earns double, and the campaign counts its 125 bonus coins
        assertEquals(250, saturday.coinsEarned());
        assertEquals(125, friday.coinsEarned());
        assertEquals(125 * services.stores().find("hm").orElseThrow().multiplier().longValue(), elsewhere.coinsEarned());
        CampaignRecord record = services.campaigns().find("zara-weekend").orElseThrow();
        assertEquals(125, record.spent());
        // AND a retry of the Saturday receipt is a replay that counts nothing again
        assertTrue(((ReceiptResult) receipts.submit("alice", zara("Z-1", "125.00", SATURDAY))).replayed());
        assertEquals(125, services.campaigns().find("zara-weekend").orElseThrow().spent());
    }

    @Test
    void userView_shouldExplainEachReceipt_byTheBaseRuleAndEachCampaignsCoins() {
        // GIVEN the weekend campaign and a Saturday and a Friday receipt of alice
        Services services = container();
        services.campaigns().put(ADMIN, "zara-weekend", weekendAtZara(Campaign.Status.ACTIVE, null));
        services.receipts().submit("alice", zara("Z-1", "125.00", SATURDAY));
        services.receipts().submit("alice", zara("Z-2", "40.00", FRIDAY));
        // WHEN alice reads her view
        UserView view = services.users().view(new Caller("alice", Set.of()), "alice");
        // THEN each receipt's entry lists what earned it: the Saturday's base and the campaign's 125, the Friday's base
        Map<String, List<EarningLine>> earnedBy = new HashMap<>();
        view.recentActivity().forEach(a -> earnedBy.put(a.creditId(), a.earnedBy()));
        assertEquals(List.of(new EarningLine("base", "Base", 125, 125), new EarningLine("zara-weekend", "2× weekend at Zara", 125, 0)),
                earnedBy.get("receipt:zara:Z-1"));
        assertEquals(List.of(new EarningLine("base", "Base", 40, 40)), earnedBy.get("receipt:zara:Z-2"));
    }

    @Test
    void submit_shouldStopTheBonusAtOnce_whenAnotherContainerPausesTheCampaign() {
        // GIVEN a container that has read the running campaign (its copy is fresh for 10 s)
        Services first = container();
        first.campaigns().put(ADMIN, "zara-weekend", weekendAtZara(Campaign.Status.ACTIVE, null));
        assertEquals(20, ((ReceiptResult) first.receipts().submit("alice", zara("Z-1", "10.00", SATURDAY))).coinsEarned());
        // WHEN another container (its own cache) pauses it, and the first credits another receipt from its copy
        Services other = new Services(cores.core(cores.dynamo, new MemoryCache()), (u, t, d) -> { });
        other.campaigns().put(ADMIN, "zara-weekend", weekendAtZara(Campaign.Status.PAUSED, null));
        ReceiptResult after = (ReceiptResult) first.receipts().submit("alice", zara("Z-2", "10.00", SATURDAY));
        // THEN the counter's condition read the stored status: no bonus, nothing counted
        assertEquals(10, after.coinsEarned());
        assertEquals(10, other.campaigns().find("zara-weekend").orElseThrow().spent());
    }

    @Test
    void submit_shouldIssueExactlyTheBudget_andKeepEachShopperWithinTheCap_when200ReceiptsRaceForIt() throws Exception {
        // GIVEN +10 coins a receipt at zara, 1,000 coins in total, 15 a day per shopper (the part that fits); moto
        // answers one request at a time, so at most 16 requests wait on it at once (200 would wait past the timeout)
        Services services = new Services(cores.core(inFlightAtMost(16, cores.dynamo)), (u, t, d) -> { });
        services.campaigns().put(ADMIN, "flash", new CampaignChange("Flash bonus", Campaign.Status.ACTIVE,
                new Campaign.Window(Instant.parse("2026-11-01T00:00:00Z"), null, null, null, null),
                new Campaign.Conditions(Set.of("zara"), null, null), new Campaign.Effect(null, 10L, null, null), null, null,
                new Campaign.Budget(1_000L, 15L, Campaign.CapPeriod.DAY, Campaign.Overflow.PARTIAL), null));
        ReceiptService receipts = services.receipts();
        // WHEN 100 shoppers submit 2 receipts each (10.00: 10 base coins), all 200 at once: 2,000 bonus coins wanted
        List<Object> outcomes = Concurrently.run(200, i -> () -> receipts.submit("shopper-" + (i % 100),
                zara("F-" + i, "10.00", SATURDAY)));
        // THEN every receipt is credited; the bonuses add up to exactly the budget; no shopper passes the cap
        long bonus = 0;
        for (Object outcome : outcomes) {
            assertTrue(outcome instanceof ReceiptResult, String.valueOf(outcome));
            bonus += ((ReceiptResult) outcome).coinsEarned() - 10;
        }
        assertEquals(1_000, bonus);
        CampaignRecord record = services.campaigns().find("flash").orElseThrow();
        assertEquals(1_000, record.spent());
        assertEquals(0, record.remaining());
        Ledger ledger = services.ledger();
        long ofBalances = 0;
        for (int s = 0; s < 100; s++) {
            String userId = "shopper-" + s;
            long balance = ledger.account(userId).coins();
            assertEquals(balance, activity(ledger, userId).stream().mapToLong(ActivityEntry::coins).sum(),
                    userId + ": the balance is the sum of the activity");
            assertTrue(balance - 20 <= 15, userId + " got " + (balance - 20) + " bonus coins, above the cap of 15");
            ofBalances += balance - 20;
        }
        assertEquals(1_000, ofBalances);
    }

    /** {@code real}, with at most {@code n} requests in flight: the receipts still race, between their requests. */
    private static DynamoDbClient inFlightAtMost(int n, DynamoDbClient real) {
        Semaphore inFlight = new Semaphore(n);
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    inFlight.acquire();
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        inFlight.release();
                    }
                });
    }

    private static List<ActivityEntry> activity(Ledger ledger, String userId) {
        List<ActivityEntry> entries = new java.util.ArrayList<>();
        String cursor = null;
        do {
            ActivityPage page = ledger.activity(userId, 100, cursor);
            entries.addAll(page.entries());
            cursor = page.nextCursor();
        } while (cursor != null);
        return entries;
    }
}
