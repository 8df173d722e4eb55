package com.mallquest.core.domain.spending;

import com.mallquest.logging.Log;
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
 * whose {@code dueAt} has passed, oldest first per shard: a coupon past its expiry, unused, is refunded, coins and stock
 * back ({@link CouponService#refundExpired}). It is idempotent, so two overlapping runs or a crash mid-way change
 * nothing twice; one failing item is logged and stays due for the next run.
 *
 * <p>Redemptions and receipt refunds leave nothing due: each is one transaction. A redemption or refund record still
 * {@code INPROGRESS} in the index was left by the lease protocol of an earlier release: it is logged and counted as
 * failed, never touched (docs/deployment.md says how to drain them before upgrading).
 */
public final class SpendingCleanup {

    private static final Log LOG = Log.of(SpendingCleanup.class);

    /**
     * What one run did.
     *
     * @param visited         due items looked at
     * @param couponsRefunded expired coupons refunded by this run
     * @param coinsRefunded   coins those refunds gave back
     * @param failed          items that threw or that an earlier release left unfinished (logged, left due)
     * @param moreDue         true when the bound was reached
     */
    public record Result(int visited, int couponsRefunded, long coinsRefunded, int failed, boolean moreDue) { }

    private final DynamoDbClient dynamo;
    private final String table;
    private final CouponService coupons;
    private final Clock clock;

    public SpendingCleanup(DynamoDbClient dynamo, String spendingTable, CouponService coupons, Clock clock) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.coupons = coupons;
        this.clock = clock;
    }

    /** Handles up to {@code limit} due items. */
    public Result run(int limit) {
        List<Map<String, AttributeValue>> due = due(limit);
        int couponsRefunded = 0;
        long coins = 0;
        int failed = 0;
        for (Map<String, AttributeValue> item : due) {
            String sk = item.get(SpendingItems.SK).s();
            if (!SpendingItems.COUPON_SK.equals(sk)) {
                failed++;
                LOG.warn("spending item left unfinished by an earlier release's lease protocol; drain it with that release "
                        + "(docs/deployment.md)", "pk", item.get(SpendingItems.PK).s(), "sk", sk);
                continue;
            }
            try {
                long back = coupons.refundExpired(item);
                if (back > 0) {
                    couponsRefunded++;
                    coins += back;
                }
            } catch (RuntimeException e) {
                failed++;
                // a coupon's key is its code, a bearer secret: never logged
                LOG.warn("expired coupon left due for the next run", e, "pk", "COUPON#(code withheld)");
            }
        }
        return new Result(due.size(), couponsRefunded, coins, failed, due.size() >= limit);
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
