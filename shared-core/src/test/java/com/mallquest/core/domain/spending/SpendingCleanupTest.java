package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.errors.DomainException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The cleanup's spending step meeting what the lease protocol of an earlier release may have left in the due-index. */
class SpendingCleanupTest {

    private final SpendingFixture f = new SpendingFixture();

    @Test
    void run_shouldLeaveARedemptionLeftInProgressByAnEarlierRelease_untouched_andCountItAsFailed() {
        // GIVEN a redemption record INPROGRESS, its lease long over, in the due-index, as the lease protocol left it
        RedemptionRequest request = new RedemptionRequest("old-1", "gone-reward");
        Instant created = SpendingFixture.NOW.minus(Duration.ofHours(1));
        Map<String, AttributeValue> item = new HashMap<>(SpendingItems.redemptionKey("olaf", "old-1"));
        item.put("userId", s("olaf"));
        item.put("redemptionId", s("old-1"));
        item.put("payloadHash", s(request.payloadHash()));
        item.put("rewardId", s("gone-reward"));
        item.put("title", s("Gone"));
        item.put("costCoins", n(10));
        item.put("stockLimited", AttributeValue.fromBool(false));
        item.put("couponCode", s(CouponCode.generate()));
        item.put("couponExpiresAt", s(created.plus(Duration.ofDays(7)).toString()));
        item.put("createdAt", s(SpendingItems.SORTABLE_TIME.format(created)));
        item.put(SpendingItems.STATE, s(SpendingItems.INPROGRESS));
        item.put("leaseUntil", n(created.plusSeconds(90).toEpochMilli()));
        SpendingItems.putDue(item, created.plusSeconds(120));
        f.dynamo.putItem(b -> b.tableName(f.table).item(item));
        // WHEN the cleanup job runs
        SpendingCleanup.Result result = f.cleanup().run(100);
        // THEN the record is seen, counted as failed (and logged) and left exactly as it was, still due
        assertEquals(1, result.visited());
        assertEquals(1, result.failed());
        assertEquals(0, result.couponsRefunded());
        assertEquals(item, f.item(SpendingItems.redemptionKey("olaf", "old-1")));
        // AND a retry of that request is told it is in progress, never completed twice nor refused as unknown
        DomainException retried = assertThrows(DomainException.class, () -> f.redemptions().redeem("olaf", request));
        assertEquals("redemption_in_progress", retried.code());
        assertEquals(0, f.ledger().account("olaf").coins());
    }
}
