package com.mallquest.functions.adminbatch;

import com.mallquest.core.testing.RoleMatrix;
import java.time.Instant;
import java.time.Clock;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Account;
import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.ActivityPage;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.testing.ApiContract;
import com.mallquest.core.testing.ApiEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static com.mallquest.core.testing.ApiResponses.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /admin/users/batch} against moto_server and a real redis-server. */
class AdminBatchHandlerTest {

    private static final String PATH = "/admin/users/batch";

    private final TestStack stack = TestStack.empty("admin-batch", Instant.now(), TestStack.sharedRedis());
    private final Map<String, String> env = stack.env;
    private final Platform core = TestStack.withClock(stack.core(), Clock.systemUTC());
    private final AdminBatchHandler handler = new AdminBatchHandler(new Services(core));
    private final Ledger ledger = new Services(core).ledger();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private String user(String name) {
        return name + "-" + run;
    }

    private static String adjustment(String id, String userId, long coins, long xp) {
        return "{\"adjustmentId\":\"" + id + "\",\"userId\":\"" + userId + "\",\"coinsDelta\":" + coins
                + ",\"xpDelta\":" + xp + ",\"reason\":\"goodwill\"}";
    }

    private static String batch(List<String> adjustments) {
        return "{\"adjustments\":[" + String.join(",", adjustments) + "]}";
    }

    private APIGatewayV2HTTPResponse post(AdminBatchHandler target, String body) {
        return ApiContract.handle(target, ApiEvents.post(PATH, body, ApiEvents.ADMIN));
    }

    private List<ActivityEntry> activity(String userId) {
        List<ActivityEntry> all = new ArrayList<>();
        String cursor = null;
        do {
            ActivityPage page = ledger.activity(userId, 100, cursor);
            all.addAll(page.entries());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** balance == sum of activity, for coins and XP. */
    private void assertBalanceIsSumOfActivity(String userId) {
        Account account = ledger.account(userId);
        List<ActivityEntry> entries = activity(userId);
        assertEquals(entries.stream().mapToLong(ActivityEntry::coins).sum(), account.coins(), "coins of " + userId);
        assertEquals(entries.stream().mapToLong(ActivityEntry::xp).sum(), account.xp(), "xp of " + userId);
    }

    @Test
    void batch_shouldApplyEachAdjustmentOnce_andAReplayChangesNothing() {
        // GIVEN two users and a batch of three adjustments
        String ann = user("ann");
        String bob = user("bob");
        String body = batch(List.of(adjustment("a1-" + run, ann, 100, 10), adjustment("a2-" + run, bob, 50, 0),
                adjustment("a3-" + run, ann, -30, 0)));

        // WHEN it is posted, then posted again (a retry)
        APIGatewayV2HTTPResponse first = post(handler, body);
        APIGatewayV2HTTPResponse retry = post(handler, body);

        // THEN the first applies all three in order, the retry replays all three
        assertEquals(200, first.getStatusCode(), first.getBody());
        JsonNode applied = json(first);
        assertEquals(3, applied.path("applied").asInt());
        assertEquals("applied", applied.path("results").get(2).path("status").asText());
        assertEquals(70, applied.path("results").get(2).path("coins").asLong());
        JsonNode replayed = json(retry);
        assertEquals(200, retry.getStatusCode());
        assertEquals(0, replayed.path("applied").asInt());
        assertEquals(3, replayed.path("replayed").asInt());
        assertEquals("replayed", replayed.path("results").get(0).path("status").asText());
        // AND the balances changed once: Ann 100 - 30 coins, 10 XP; Bob 50; one activity entry per adjustment
        assertEquals(70, ledger.account(ann).coins());
        assertEquals(10, ledger.account(ann).xp());
        assertEquals(50, ledger.account(bob).coins());
        assertEquals(2, activity(ann).size());
        assertEquals(1, activity(bob).size());
        assertEquals(CreditKind.ADJUSTMENT, activity(bob).get(0).kind());
        assertEquals("goodwill", activity(bob).get(0).details().get("reason"));
        assertEquals("admin-1", activity(bob).get(0).details().get("by"));
        assertBalanceIsSumOfActivity(ann);
        assertBalanceIsSumOfActivity(bob);
    }

    @Test
    void batch_shouldLoseNothing_whenRacedAgainstConcurrentReceiptCredits() throws Exception {
        // GIVEN 4 users; per user 15 receipt credits of 10 coins / 4 XP running on their own threads, while
        // two containers post two different batches (per user 5 adjustments of +7 coins / +1 XP each), and a
        // third container retries the first batch at the same time
        List<String> users = List.of(user("u1"), user("u2"), user("u3"), user("u4"));
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (String u : users) {
            for (int i = 0; i < 5; i++) {
                first.add(adjustment("race-a-" + i + "-" + u, u, 7, 1));
                second.add(adjustment("race-b-" + i + "-" + u, u, 7, 1));
            }
        }
        AdminBatchHandler containerA = new AdminBatchHandler(new Services(Platform.fromEnvironment(env)));
        AdminBatchHandler containerB = new AdminBatchHandler(new Services(Platform.fromEnvironment(env)));
        AdminBatchHandler containerC = new AdminBatchHandler(new Services(Platform.fromEnvironment(env)));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> tasks = new ArrayList<>();
        try {
            for (String u : users) {
                Ledger own = new Services(Platform.fromEnvironment(env)).ledger();
                tasks.add(pool.submit(() -> {
                    go.await();
                    for (int r = 0; r < 15; r++) {
                        own.credit(new Credit(u, "receipt:store-1:R" + r, 10, 4, CreditKind.RECEIPT, Map.of()));
                    }
                    return null;
                }));
            }
            List<Future<APIGatewayV2HTTPResponse>> batches = new ArrayList<>();
            batches.add(pool.submit(() -> { go.await(); return post(containerA, batch(first)); }));
            batches.add(pool.submit(() -> { go.await(); return post(containerB, batch(second)); }));
            batches.add(pool.submit(() -> { go.await(); return post(containerC, batch(first)); }));

            // WHEN everything runs at once
            go.countDown();
            for (Future<?> t : tasks) {
                t.get(120, TimeUnit.SECONDS);
            }
            int applied = 0;
            int replayed = 0;
            for (Future<APIGatewayV2HTTPResponse> b : batches) {
                APIGatewayV2HTTPResponse response = b.get(120, TimeUnit.SECONDS);
                assertEquals(200, response.getStatusCode(), response.getBody());
                JsonNode outcome = json(response);
                applied += outcome.path("applied").asInt();
                replayed += outcome.path("replayed").asInt();
                for (JsonNode r : outcome.path("results")) {
                    // the only acceptable per-item error is the documented "too many changes at once" (503 ledger_busy)
                    if ("error".equals(r.path("status").asText())) {
                        assertEquals("ledger_busy", r.path("error").path("code").asText(), r.toString());
                    }
                }
            }
            // Retry whatever was reported busy: the answer must be replayed/applied, never a double
            JsonNode settle = json(post(containerA, batch(first)));
            assertEquals(0, settle.path("failed").asInt(), settle.toString());

            // THEN every adjustment applied exactly once (40 distinct), and per user: 15 x 10 + 10 x 7 coins,
            // 15 x 4 + 10 x 1 XP, 25 activity entries, balance == sum of activity
            assertTrue(applied <= 40, "applied " + applied);
            for (String u : users) {
                Account account = ledger.account(u);
                assertEquals(15 * 10 + 10 * 7, account.coins(), "coins of " + u);
                assertEquals(15 * 4 + 10, account.xp(), "xp of " + u);
                assertEquals(15, account.receiptsCredited(), "receipts of " + u);
                assertEquals(25, activity(u).size(), "activity of " + u);
                assertBalanceIsSumOfActivity(u);
            }
            assertTrue(replayed + applied >= 40, "applied " + applied + " replayed " + replayed);
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void batch_shouldRefuseMoreThan100_andMalformedInput_namingTheField_andApplyNothing() {
        // GIVEN a user and invalid batches
        String carl = user("carl");
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            many.add(adjustment("m" + i, carl, 1, 0));
        }
        Map<String, String> expectedField = new java.util.LinkedHashMap<>();
        expectedField.put(batch(many), "adjustments");
        expectedField.put("{\"adjustments\":[]}", "adjustments");
        expectedField.put("{}", "adjustments");
        expectedField.put(batch(List.of(adjustment("ok-" + run, carl, 1, 0),
                "{\"adjustmentId\":\"x\",\"userId\":\"" + carl + "\",\"xpDelta\":1,\"reason\":\"r\"}")), "adjustments[1].coinsDelta");
        expectedField.put(batch(List.of("{\"adjustmentId\":\"x\",\"userId\":\"" + carl + "\",\"coinsDelta\":1,\"xpDelta\":\"lots\",\"reason\":\"r\"}")),
                "adjustments[0].xpDelta");
        expectedField.put(batch(List.of(adjustment("d", carl, 1, 0), adjustment("e", carl, 1, 0), adjustment("d", carl, 2, 0))),
                "adjustments[2].adjustmentId");
        expectedField.put(batch(List.of(adjustment("bad id!", carl, 1, 0))), "adjustments[0].adjustmentId");
        expectedField.put(batch(List.of(adjustment("z", carl, 0, 0))), "adjustments[0].coinsDelta");
        expectedField.put(batch(List.of(adjustment("z", carl, 2_000_000_000L, 0))), "adjustments[0].coinsDelta");
        expectedField.put(batch(List.of(adjustment("z", "", 1, 0))), "adjustments[0].userId");
        expectedField.put(batch(List.of("{\"adjustmentId\":\"z\",\"userId\":\"" + carl + "\",\"coinsDelta\":1,\"xpDelta\":0,\"reason\":\"r\",\"admin\":true}")),
                "adjustments[0].admin");

        expectedField.forEach((body, field) -> {
            // WHEN posted
            APIGatewayV2HTTPResponse response = post(handler, body);
            // THEN 400 naming the field
            assertEquals(400, response.getStatusCode(), body + " -> " + response.getBody());
            assertEquals(field, json(response).path("error").path("field").asText(), response.getBody());
        });
        APIGatewayV2HTTPResponse notJson = post(handler, "{\"adjustments\": [");
        assertEquals(400, notJson.getStatusCode());
        // AND nothing was applied, not even the valid first item of a partly invalid batch
        assertEquals(0, ledger.account(carl).coins());
        assertTrue(activity(carl).isEmpty());
    }

    @Test
    void batch_shouldAnswerInsufficientBalancePerItem_andApplyTheRest_inOrderPerUser() {
        // GIVEN Dana with nothing, Eve with 20 coins
        String dana = user("dana");
        String eve = user("eve");
        ledger.credit(new Credit(eve, "receipt:s:R1", 20, 0, CreditKind.RECEIPT, Map.of()));

        // WHEN a batch takes 50 from Eve, and gives Dana 100 then takes 100 (in that order)
        JsonNode outcome = json(post(handler, batch(List.of(
                adjustment("i1-" + run, eve, -50, 0),
                adjustment("i2-" + run, dana, 100, 0),
                adjustment("i3-" + run, dana, -100, 0)))));

        // THEN Eve's is refused (balance untouched), Dana's two apply in order and end at 0
        assertEquals("error", outcome.path("results").get(0).path("status").asText());
        assertEquals("insufficient_balance", outcome.path("results").get(0).path("error").path("code").asText());
        assertEquals("applied", outcome.path("results").get(1).path("status").asText());
        assertEquals("applied", outcome.path("results").get(2).path("status").asText());
        assertEquals(1, outcome.path("failed").asInt());
        assertEquals(20, ledger.account(eve).coins());
        assertEquals(0, ledger.account(dana).coins());
        assertBalanceIsSumOfActivity(eve);
        assertBalanceIsSumOfActivity(dana);
    }

    @Test
    void batch_shouldReportCreditMismatch_whenAnAdjustmentIdIsReusedWithOtherAmounts() {
        // GIVEN an applied adjustment
        String fay = user("fay");
        post(handler, batch(List.of(adjustment("k1-" + run, fay, 10, 0))));

        // WHEN the same id is sent again with another amount
        JsonNode outcome = json(post(handler, batch(List.of(adjustment("k1-" + run, fay, 99, 0)))));

        // THEN it is a per-item error, and the balance keeps the first amount
        assertEquals("credit_mismatch", outcome.path("results").get(0).path("error").path("code").asText());
        assertEquals(10, ledger.account(fay).coins());
    }

    @Test
    void batch_shouldInvalidateTheUsersCachedView() {
        // GIVEN a cached view of Gus
        String gus = user("gus");
        core.cache().set(CacheKeys.userView(gus), "{\"coins\":0}", Duration.ofMinutes(5));

        // WHEN an adjustment for Gus is applied
        post(handler, batch(List.of(adjustment("c1-" + run, gus, 5, 0))));

        // THEN the cached view is gone (the next read sees the new balance)
        assertTrue(core.cache().get(CacheKeys.userView(gus)).isEmpty());
    }

    @Test
    void batch_shouldBeForAdminsOnly() {
        // GIVEN a valid batch
        String hal = user("hal");
        String body = batch(List.of(adjustment("p1-" + run, hal, 5, 0)));

        // WHEN posted without a token and by a shopper
        APIGatewayV2HTTPResponse anonymous = ApiContract.handle(handler, ApiEvents.post(PATH, body, null));
        APIGatewayV2HTTPResponse shopper = ApiContract.handle(handler, ApiEvents.post(PATH, body, ApiEvents.SHOPPER));

        // THEN 401 and 403, and nothing applied
        assertEquals(401, anonymous.getStatusCode());
        assertEquals(403, shopper.getStatusCode());
        assertEquals(0, ledger.account(hal).coins());
        assertFalse(shopper.getBody().contains("applied"));
    }

    @Test
    void authorizationMatrix_shouldHold_forEveryRouteAndRole() {
        // GIVEN the batch route, called each time with an adjustment of its own
        RoleMatrix matrix = new RoleMatrix(handler, "zara", "hm");
        int[] n = {0};
        // WHEN it is called as every role THEN only an admin applies it:  anon user staffA mgrA staffB mgrB admin
        matrix.row("POST /admin/users/batch", c -> ApiContract.handle(handler, ApiEvents.request("POST", PATH)
                .body(batch(List.of(adjustment("matrix-" + run + "-" + n[0]++, user("matrix"), 1, 0)))).claims(c).build()),
                401, 403, 403, 403, 403, 403, 200)
                .assertAll();
        assertEquals(1, ledger.account(user("matrix")).coins());
    }
}
