package com.mallquest.core.domain.receipts;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.testing.StoreSeed;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisServer;
import com.mallquest.local.testsupport.RedisWork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a credited receipt costs ElastiCache Serverless, measured on a redis-server of this class's own through the
 * real receipt path (rate limit, store, credit, leaderboards, badges): commands, bytes and ECPU ({@link RedisWork}),
 * printed as a {@code RECEIPT-ECPU} line for docs/capacity.md. {@code -Dmallquest.ecpu.receipts=400} measures more
 * receipts than the suite's default 40.
 */
class ReceiptCacheCostTest {

    @RegisterExtension
    static final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    static final int RECEIPTS = Integer.getInteger("mallquest.ecpu.receipts", 40);
    static final int SHOPPERS = 10;
    static final List<String> STORES = List.of("zara", "hm", "nike", "decathlon", "pandora");
    static final EffectPublisher NO_EFFECTS = (userId, type, data) -> { };

    @Test
    void creditedReceipt_shouldStayWithinItsCacheBudget_whenTheBoardsAndStoresAreWarm() {
        // GIVEN a mall with its stores, ten shoppers who each had a receipt credited (connections open, boards exist)
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
        Map<String, String> env = redis.environment();
        env.put("RECEIPT_RATE_LIMIT", "1000/60s");
        env.put("RECEIPT_DAILY_STORE_LIMIT", "1000");
        Platform core = TestStack.withClock(Platform.fromEnvironment(env), clock);
        StoreSeed.loadWithKeys(core);
        ReceiptService receipts = new Services(core, NO_EFFECTS).receipts();
        String run = UUID.randomUUID().toString().substring(0, 6);
        for (int u = 0; u < SHOPPERS; u++) {
            submit(receipts, "s-" + run + "-" + u, "warm-" + u, STORES.get(u % STORES.size()), clock);
        }
        // WHEN RECEIPTS more receipts are credited with the commands sent counted (MONITOR), then RECEIPTS timed
        RedisWork counting = RedisWork.start(redis.server(), true);
        creditReceipts(receipts, run, 0, clock);
        RedisWork.Done counted = counting.stop();
        RedisWork timing = RedisWork.start(redis.server(), false);
        creditReceipts(receipts, run, RECEIPTS, clock);
        RedisWork.Done timed = timing.stop();

        // THEN a receipt stays within a few commands and a few KB (a whole catalogue read would break it)
        double commands = counted.calls() / (double) RECEIPTS;
        double bytes = timed.bytes() / (double) RECEIPTS;
        double ecpu = RedisWork.ecpuPerOperation(counted, RECEIPTS, timed, RECEIPTS);
        System.out.printf("RECEIPT-ECPU %d receipts of %d shoppers: %.1f commands sent (their scripts ran %.1f more), "
                        + "%.0f bytes (in %.0f, out %.0f) a receipt; %.1f ECPU a receipt (commands weighted by vCPU "
                        + "time against a GET of %.1f us, or KB moved, whichever is higher); at 300 receipts/s %.0f "
                        + "ECPU/s; by command: %s%n", RECEIPTS, SHOPPERS, commands,
                counted.scriptCommands() / (double) RECEIPTS, bytes, timed.bytesIn() / (double) RECEIPTS,
                timed.bytesOut() / (double) RECEIPTS, ecpu, timed.simpleUsec(), 300 * ecpu,
                RedisWork.byCommand(counted, RECEIPTS, timed));
        // EVAL sends each script's text (≈ 1 KB) every time: the bytes budget has room for that, not for a catalogue
        assertTrue(bytes < 10_240, "bytes a receipt: " + bytes);
        assertTrue(commands >= 1 && commands < 20, "commands a receipt: " + commands);
    }

    private static void creditReceipts(ReceiptService receipts, String run, int first, MutableClock clock) {
        for (int i = first; i < first + RECEIPTS; i++) {
            clock.advance(Duration.ofSeconds(7));
            ReceiptResult result = submit(receipts, "s-" + run + "-" + i % SHOPPERS, "R-" + i,
                    STORES.get(i % STORES.size()), clock);
            assertTrue(result.coinsEarned() > 0 && !result.replayed());
        }
    }

    private static ReceiptResult submit(ReceiptService receipts, String userId, String receiptId, String store,
                                        MutableClock clock) {
        return (ReceiptResult) receipts.submit(userId, ReceiptCodes.signed(new ReceiptSubmission(receiptId, store,
                new BigDecimal("35.00"), clock.instant().minusSeconds(60))));
    }
}
