package com.mallquest.core.domain.spending;

import com.mallquest.core.platform.errors.DomainException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /redemptions} per caller: a per-user rate limit, and refusals that do not stay in the table forever. */
class RedemptionLimitsTest {

    final SpendingFixture f = new SpendingFixture();

    @Test
    void redeem_shouldAnswer429_whenTheUserPassedTheirLimit_andLeaveOtherUsersAlone() {
        // GIVEN a limit of 3 redemption requests per user and minute, and two funded users
        f.env.put("REDEMPTION_RATE_LIMIT", "3/60s");
        f.fund("dora", 1_000, 10);
        f.fund("emil", 1_000, 10);
        f.reward("socks", "lush", 10, null, null);
        RedemptionService service = f.redemptions();
        // WHEN dora makes a fourth request within the minute (her third was refused: refusals count too)
        service.redeem("dora", new RedemptionRequest("d-1", "socks"));
        service.redeem("dora", new RedemptionRequest("d-2", "socks"));
        assertThrows(DomainException.class, () -> service.redeem("dora", new RedemptionRequest("d-3", "no-such-reward")));
        DomainException refused = assertThrows(DomainException.class,
                () -> service.redeem("dora", new RedemptionRequest("d-4", "socks")));
        // THEN it is 429 rate_limited with a retry time, nothing was spent for it, and emil still redeems
        assertEquals("rate_limited", refused.code());
        assertEquals(DomainException.Kind.TOO_MANY, refused.kind());
        assertEquals(1_000 - 20, f.ledger().account("dora").coins());
        assertEquals(false, service.redeem("emil", new RedemptionRequest("e-1", "socks")).replayed());
    }

    @Test
    void reject_shouldGiveTheRefusedRecordAnExpiry_soRefusalsLeaveNoItemForever() {
        // GIVEN a user who cannot afford a reward
        f.fund("finn", 5, 10);
        f.reward("watch", "apple", 1_000, null, null);
        // WHEN the redemption is refused
        DomainException refused = assertThrows(DomainException.class,
                () -> f.redemptions().redeem("finn", new RedemptionRequest("f-1", "watch")));
        assertEquals("insufficient_balance", refused.code());
        // THEN its record (which answers a repeat with the same refusal) carries the table's TTL attribute
        Map<String, AttributeValue> record = f.item(SpendingItems.redemptionKey("finn", "f-1"));
        assertEquals(SpendingItems.REJECTED, record.get(SpendingItems.STATE).s());
        assertTrue(record.containsKey("expiresAt"), "a refused redemption must expire: " + record.keySet());
        long expiresAt = Long.parseLong(record.get("expiresAt").n());
        assertEquals(SpendingFixture.NOW.plus(RedemptionService.REFUSAL_KEPT).getEpochSecond(), expiresAt);
        // AND a repeat within that time still gets the same refusal
        assertEquals("insufficient_balance", assertThrows(DomainException.class,
                () -> f.redemptions().redeem("finn", new RedemptionRequest("f-1", "watch"))).code());
        // AND the refusal wrote nothing in the Users table: no debit record that would never expire
        String usersTable = com.mallquest.core.platform.config.Settings.fromEnvironment(f.env).usersTable();
        assertEquals(java.util.List.of(), f.dynamo.scan(b -> b.tableName(usersTable)).items().stream()
                .map(i -> i.get("sk").s()).filter(sk -> sk.startsWith("CREDIT#redemption:")).toList());
    }
}
