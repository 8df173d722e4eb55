package com.mallquest.core.domain.admin;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.ApiException;
import com.mallquest.core.api.http.DomainErrors;
import com.mallquest.core.platform.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
        DomainException e = assertThrows(DomainException.class, () -> Json.readBody(hundredOne, AdjustmentBatch.class));
        assertEquals(400, DomainErrors.status(e.kind()));
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

    @Test
    void read_shouldRefuseFractionalOrTextDeltas_andUserIdsNoUserCanHave() {
        // GIVEN adjustments whose deltas Jackson used to coerce (1.9 -> 1, "5" -> 5) or whose user id has a control char
        String template = "{\"adjustments\":[{\"adjustmentId\":\"a1\",\"userId\":%s,\"coinsDelta\":%s,\"xpDelta\":0,\"reason\":\"r\"}]}";
        String[][] cases = {
                {"\"u1\"", "1.9", "adjustments[0].coinsDelta"},
                {"\"u1\"", "\"5\"", "adjustments[0].coinsDelta"},
                {"\"a\\u0000b\"", "1", "adjustments[0].userId"},
                {"\"a/b\"", "1", "adjustments[0].userId"},
                {"7", "1", "adjustments[0].userId"}};
        for (String[] c : cases) {
            byte[] body = String.format(template, c[0], c[1]).getBytes(StandardCharsets.UTF_8);
            // WHEN read
            // (a value of the wrong JSON type is refused by the body reader, a bad value by the batch itself)
            RuntimeException e = assertThrows(RuntimeException.class, () -> Json.readBody(body, AdjustmentBatch.class), c[0] + " " + c[1]);
            // THEN a 400 naming the field: nothing is applied with a value the admin did not send
            if (e instanceof DomainException refused) {
                assertEquals(400, DomainErrors.status(refused.kind()), c[0] + " " + c[1]);
                assertEquals(c[2], refused.field());
            } else {
                ApiException unreadable = assertInstanceOf(ApiException.class, e, c[0] + " " + c[1]);
                assertEquals(400, unreadable.status());
                assertEquals(c[2], unreadable.field());
            }
        }
    }
}
