package com.mallquest.core.domain.spending;

import com.mallquest.logging.Log;
import com.mallquest.core.domain.effects.EffectPublisher;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * The cleanup job's spending step: up to {@code CLEANUP_MAX_SPENDING_ITEMS} items of the sparse {@code due-index}
 * whose {@code dueAt} has passed, oldest first per shard:
 * <ul>
 *   <li>a coupon past its expiry, unused: refunded, coins and stock back ({@link CouponService#refundExpired});</li>
 *   <li>a redemption still {@code INPROGRESS} after its lease: completed or compensated ({@link RedemptionService#resume});</li>
 *   <li>a receipt refund still {@code INPROGRESS} after its lease: completed ({@link ReceiptRefunds#resume}).</li>
 * </ul>
 * Each is idempotent, so two overlapping runs or a crash mid-way change nothing twice; one failing item is logged and
 * stays due for the next run.
 */
public final class SpendingCleanup {

    private static final Log LOG = Log.of(SpendingCleanup.class);

    /**
     * What one run did.
     *
     * @param visited            due items looked at
     * @param couponsRefunded    expired coupons refunded by this run
     * @param coinsRefunded      coins those refunds gave back
     * @param redemptionsSettled unfinished redemptions completed or compensated
     * @param refundsSettled     unfinished receipt refunds completed
     * @param failed             items that threw (left due)
     * @param moreDue            true when the bound was reached
     */
    public record Result(int visited, int couponsRefunded, long coinsRefunded, int redemptionsSettled,
                         int refundsSettled, int failed, boolean moreDue) { }

    private final DynamoDbClient dynamo;
    private final String table;
    private final RedemptionService redemptions;
    private final CouponService coupons;
    private final ReceiptRefunds refunds;
    private final Clock clock;

    public SpendingCleanup(DynamoDbClient dynamo, String spendingTable, RedemptionService redemptions,
                           CouponService coupons, ReceiptRefunds refunds, Clock clock) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.redemptions = redemptions;
        this.coupons = coupons;
        this.refunds = refunds;
        this.clock = clock;
    }


    /** Handles up to {@code limit} due items. */
    public Result run(int limit) {
        List<Map<String, AttributeValue>> due = due(limit);
        int couponsRefunded = 0;
        long coins = 0;
        int redemptionsSettled = 0;
        int refundsSettled = 0;
        int failed = 0;
        for (Map<String, AttributeValue> item : due) {
            String sk = item.get(SpendingItems.SK).s();
            try {
                if (SpendingItems.COUPON_SK.equals(sk)) {
                    long back = coupons.refundExpired(item);
                    if (back > 0) {
                        couponsRefunded++;
                        coins += back;
                    }
                }
            } catch (RuntimeException e) {
                failed++;
                // a coupon's key is its code, a bearer secret: never logged
                LOG.warn("spending item left due for the next run", e, "sk", sk,
                        "pk", SpendingItems.COUPON_SK.equals(sk) ? "COUPON#(code withheld)" : item.get(SpendingItems.PK).s());
            }
        }
        return new Result(due.size(), couponsRefunded, coins, redemptionsSettled, refundsSettled, failed, due.size() >= limit);
    }

    private List<Map<String, AttributeValue>> due(int limit) {
        String now = SpendingItems.SORTABLE_TIME.format(clock.instant());
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int shard = 0; shard < SpendingItems.DUE_SHARDS && items.size() < limit; shard++) {
            QueryResponse response = dynamo.query(QueryRequest.builder()
                    .tableName(table)
                    .indexName(SpendingItems.DUE_INDEX)
                    .keyConditionExpression("#shard = :shard AND #at <= :now")
                    .expressionAttributeNames(Map.of("#shard", SpendingItems.DUE_SHARD, "#at", SpendingItems.DUE_AT))
                    .expressionAttributeValues(Map.of(":shard", s("d" + shard), ":now", s(now)))
                    .limit(limit - items.size())
                    .build());
            items.addAll(response.items());
        }
        return items;
    }
}
