package com.mallquest.core.admin;

import com.mallquest.core.http.ApiException;
import com.mallquest.core.http.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdjustmentBatchTest {

    private static String body(int count, String reason) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add("{\"adjustmentId\":\"adj-" + i + "\",\"userId\":\"user-" + i + "\",\"coinsDelta\":-5,\"xpDelta\":0,\"reason\":\"" + reason + "\"}");
        }
        return "{\"adjustments\":[" + String.join(",", items) + "]}";
    }

    @Test
    void read_shouldAcceptExactly100_andRefuse101_namingTheField() {
        // GIVEN 100 and 101 adjustments with the longest reasons
        String reason = "r".repeat(200);
        byte[] hundred = body(100, reason).getBytes(StandardCharsets.UTF_8);
        byte[] hundredOne = body(101, reason).getBytes(StandardCharsets.UTF_8);

        // WHEN read / THEN 100 pass (and fit the admin function's 64 KiB body limit), 101 is a 400 on "adjustments"
        assertEquals(100, Json.readBody(hundred, AdjustmentBatch.class).adjustments().size());
        assertTrue(hundred.length <= 65_536, "100 adjustments take " + hundred.length + " bytes");
        ApiException e = assertThrows(ApiException.class, () -> Json.readBody(hundredOne, AdjustmentBatch.class));
        assertEquals(400, e.status());
        assertEquals("adjustments", e.field());
    }

    @Test
    void creditOf_shouldDeriveTheLedgerCreditFromTheAdjustmentId() {
        // GIVEN an adjustment / WHEN turned into a ledger credit / THEN its id is adj:<adjustmentId>, kind adjustment
        var credit = BatchAdjustments.creditOf(new Adjustment("support-1", "u-1", -5L, 2L, "why"), "admin-9");
        assertEquals("adj:support-1", credit.creditId());
        assertEquals(-5, credit.coinsDelta());
        assertEquals(2, credit.xpDelta());
        assertEquals("admin-9", credit.details().get("by"));
        assertEquals("why", credit.details().get("reason"));
    }
}
