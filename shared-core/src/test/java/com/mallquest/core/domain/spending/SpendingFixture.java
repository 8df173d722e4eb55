package com.mallquest.core.domain.spending;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.ActivityPage;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.domain.receipts.ReceiptResult;
import com.mallquest.core.domain.receipts.ReceiptService;
import com.mallquest.core.domain.receipts.ReceiptSubmission;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.ReceiptCodes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fresh tables on moto_server with the seeded stores, services over any client (e.g. a crashing one), and checks. */
final class SpendingFixture {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    /** The operator who changes the catalogue in these tests. */
    static final Caller ADMIN = new Caller("admin-1", java.util.Set.of(Caller.ADMIN_GROUP));

    /** Effects as published: the edge of these units (the effects service has its own tests). */
    record Published(String userId, String type, Map<String, Object> data) { }

    final List<Published> published = Collections.synchronizedList(new ArrayList<>());
    final EffectPublisher effects = (userId, type, data) -> published.add(new Published(userId, type, data));
    final TestStack cores = TestStack.seeded("rewards", NOW, Map.of());
    final Map<String, String> env = cores.env;
    final DynamoDbClient dynamo = cores.dynamo;
    final Cache cache = cores.cache;
    final MutableClock clock = cores.clock;
    final String table = Settings.fromEnvironment(env).spendingTable();

    Platform core(DynamoDbClient client) {
        return cores.core(client);
    }

    RewardCatalogue catalogue() {
        return new Services(core(dynamo)).rewards();
    }

    RedemptionService redemptions(DynamoDbClient client) {
        return new Services(core(client), effects).redemptions();
    }

    RedemptionService redemptions() {
        return redemptions(dynamo);
    }

    CouponService coupons() {
        return new Services(core(dynamo), effects).coupons();
    }

    SpendingCleanup cleanup() {
        return new Services(core(dynamo), effects).spendingCleanup();
    }

    ReceiptRefunds refunds(DynamoDbClient client) {
        return new Services(core(client)).refunds();
    }

    ReceiptRefunds refunds() {
        return refunds(dynamo);
    }

    /** A receipt submitted and credited for {@code userId} the way shoppers do (the receipts service). */
    ReceiptResult credited(String userId, String storeId, String receiptId, String amount) {
        return (ReceiptResult) receipts(dynamo).submit(userId, ReceiptCodes.signed(new ReceiptSubmission(receiptId, storeId,
                new BigDecimal(amount), clock.instant().minusSeconds(3600))));
    }

    ReceiptService receipts(DynamoDbClient client) {
        return new Services(core(client), effects).receipts();
    }

    Ledger ledger() {
        return new Services(core(dynamo)).ledger();
    }

    /** Gives {@code userId} coins (and XP) through the ledger, as an admin adjustment. */
    void fund(String userId, long coins, long xp) {
        ledger().credit(new Credit(userId, "adj:fund-" + userId + "-" + coins + "-" + xp, coins, xp, CreditKind.ADJUSTMENT,
                Map.of("reason", "test funds")));
    }

    /** A reward with the given stock (null: unlimited) and per-user limit (null: none). */
    CatalogueReward reward(String rewardId, String storeId, long cost, Long stock, Integer perUserLimit) {
        return catalogue().put(ADMIN, rewardId, new RewardChange("Reward " + rewardId, null, storeId, cost, stock, null, null,
                perUserLimit, null, null, null, 7, null, null)).reward();
    }

    long remaining(String rewardId) {
        Long remaining = catalogue().find(rewardId).orElseThrow().remaining();
        return remaining == null ? -1 : remaining;
    }

    Map<String, AttributeValue> item(Map<String, AttributeValue> key) {
        return dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
    }

    /** Every coupon item of the table. */
    List<Map<String, AttributeValue>> coupons(String userId) {
        return dynamo.scan(b -> b.tableName(table)).items().stream()
                .filter(i -> SpendingItems.COUPON_SK.equals(i.get("sk").s()))
                .filter(i -> userId == null || userId.equals(i.get("userId").s()))
                .toList();
    }

    /** balance = sum of activity, the ledger's invariant, through every spending path. */
    void assertBalanceEqualsActivity(String userId) {
        long sum = 0;
        String cursor = null;
        do {
            ActivityPage page = ledger().activity(userId, 100, cursor);
            for (ActivityEntry e : page.entries()) {
                sum += e.coins();
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        assertEquals(ledger().account(userId).coins(), sum, "balance of " + userId + " = sum of its activity");
    }

    /** Activity entries of a kind. */
    List<ActivityEntry> activity(String userId, CreditKind kind) {
        return ledger().activity(userId, 100, null).entries().stream().filter(e -> e.kind() == kind).toList();
    }
}
