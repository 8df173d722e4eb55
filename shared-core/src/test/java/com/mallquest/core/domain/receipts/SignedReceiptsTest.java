package com.mallquest.core.domain.receipts;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.stores.Store;
import com.mallquest.core.domain.stores.StoreCatalogue;
import com.mallquest.core.domain.stores.StoreKeyRequest;
import com.mallquest.core.domain.stores.StoreKeys;
import com.mallquest.core.testing.TestStack;
import com.mallquest.core.testing.Concurrently;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.local.services.DevReceiptSigner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed receipt codes through {@link ReceiptService} on moto_server: what credits, what never does, and in what order. */
class SignedReceiptsTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Instant BOUGHT = NOW.minus(Duration.ofHours(1));
    private static final Caller ADMIN = new Caller("admin-1", Set.of(Caller.ADMIN_GROUP));

    private TestStack cores;
    private Map<String, String> env;
    private DynamoDbClient dynamo;
    private Cache cache;
    private MutableClock clock;

    @BeforeEach
    void setUp() {
        cores = TestStack.seeded("receipts", NOW, Map.of());
        env = cores.env;
        dynamo = cores.dynamo;
        cache = cores.cache;
        clock = cores.clock;
    }

    private Platform core(DynamoDbClient client) {
        return cores.core(client);
    }

    private ReceiptService service() {
        return new Services(core(dynamo), (u, t, d) -> { }).receipts();
    }

    private long coins(String userId) {
        return new Services(core(dynamo)).ledger().account(userId).coins();
    }

    private boolean claimed(String storeId, String receiptId) {
        return new Services(core(dynamo)).receiptClaims().find(storeId, receiptId).isPresent();
    }

    private static ReceiptRequest code(String storeId, String receiptId, String amount) {
        return ReceiptRequest.signed(ReceiptCodes.code(storeId, receiptId, amount, BOUGHT));
    }

    private static String payload(String storeId, String receiptId, String amount) {
        return DevReceiptSigner.payload(storeId, receiptId, new BigDecimal(amount), BOUGHT, null);
    }

    @Test
    void submit_shouldCreditASignedCodeOnce_acrossUsersRetriesAndConcurrency() throws Exception {
        // GIVEN a code zara's till printed (10.00 at ×1.0 → 10 coins)
        ReceiptRequest printed = code("zara", "Z-1", "10.00");
        ReceiptService service = service();
        // WHEN alice and bob (who photographed it) send it 20 times at once, then alice again
        List<Object> outcomes = Concurrently.run(20, i -> () -> service.submit(i % 2 == 0 ? "alice" : "bob", printed));
        // THEN exactly one credit; every other answer is a replay, in progress, or "claimed by another user"
        long credited = outcomes.stream().filter(o -> o instanceof ReceiptResult r && !r.replayed()).count();
        assertEquals(1, credited, outcomes.toString());
        for (Object o : outcomes) {
            assertTrue(o instanceof ReceiptResult || (o instanceof DomainException e
                    && List.of("receipt_in_progress", "receipt_already_claimed").contains(e.code())), String.valueOf(o));
        }
        assertEquals(10, coins("alice") + coins("bob"));
        String owner = coins("alice") == 10 ? "alice" : "bob";
        assertTrue(service.submit(owner, printed).replayed());
        assertEquals(10, coins(owner));
    }

    @Test
    void submit_shouldCreditNothing_andCountAgainstTheRateLimit_forEveryRefusedCode() {
        // GIVEN a limit of 7 per minute, a key of zara that was revoked, and a stranger's key
        env.put("RECEIPT_RATE_LIMIT", "7/60s");
        clock.set(Instant.parse("2026-11-25T12:00:10Z"));
        KeyPair revokedPair = DevReceiptSigner.generate();
        StoreKeys keys = new Services(core(dynamo)).storeKeys();
        keys.register(ADMIN, "zara", "zara-old", new StoreKeyRequest("OKP", "Ed25519", DevReceiptSigner.x(revokedPair.getPublic()), null, null, null, null));
        keys.revoke(ADMIN, "zara", "zara-old");
        DevReceiptSigner.DevKey zara = ReceiptCodes.signer().key("zara");
        DevReceiptSigner.DevKey hm = ReceiptCodes.signer().key("hm");
        String[] valid = ReceiptCodes.code("zara", "Z-1", "10.00", BOUGHT).split("\\.");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("receipt_signature_invalid", DevReceiptSigner.signPayload(zara.kid(), DevReceiptSigner.generate().getPrivate(), payload("zara", "Z-2", "10.00")));
        refused.put("receipt_key_unknown", DevReceiptSigner.signPayload("no-such-key", zara.privateKey(), payload("zara", "Z-3", "10.00")));
        refused.put("receipt_key_wrong_store", DevReceiptSigner.signPayload(hm.kid(), hm.privateKey(), payload("zara", "Z-4", "10.00")));
        refused.put("receipt_key_revoked", DevReceiptSigner.signPayload("zara-old", revokedPair.getPrivate(), payload("zara", "Z-5", "10.00")));
        refused.put("receipt_code_malformed", valid[0] + "." + valid[1]);
        refused.put("receipt_alg_refused", DevReceiptSigner.base64url("{\"alg\":\"none\",\"kid\":\"zara-dev-1\"}".getBytes(StandardCharsets.UTF_8))
                + "." + valid[1] + ".AA");
        String tampered = valid[0] + "." + DevReceiptSigner.base64url(payload("zara", "Z-1", "999.00").getBytes(StandardCharsets.UTF_8)) + "." + valid[2];
        refused.forEach((expected, code) -> {
            // WHEN each is submitted THEN it is refused with its own code
            DomainException e = assertThrows(DomainException.class, () -> service().submit("mallory", ReceiptRequest.signed(code)), expected);
            assertEquals(expected, e.code(), e.getMessage());
        });
        // AND a tampered payload (the 7th refusal) is a signature that does not match
        assertEquals("receipt_signature_invalid", assertThrows(DomainException.class,
                () -> service().submit("mallory", ReceiptRequest.signed(tampered))).code());
        // AND nothing was claimed or credited
        for (String id : List.of("Z-1", "Z-2", "Z-3", "Z-4", "Z-5")) {
            assertFalse(claimed("zara", id), id);
        }
        assertEquals(0, coins("mallory"));
        // AND the seven refusals used the minute's seven permits: a valid code now is 429
        DomainException limited = assertThrows(DomainException.class, () -> service().submit("mallory", code("zara", "Z-6", "10.00")));
        assertEquals("rate_limited", limited.code());
        assertEquals(50, limited.retryAfter().toSeconds());
    }

    @Test
    void submit_shouldRequireASignature_atAStoreWhosePolicyIsSigned() {
        ReceiptSubmission unsigned = new ReceiptSubmission("Z-1", "zara", new BigDecimal("10.00"), BOUGHT);
        DomainException e = assertThrows(DomainException.class, () -> service().submit("alice", ReceiptRequest.unsigned(unsigned)));
        assertEquals("signature_required", e.code());
        assertEquals(DomainException.Kind.REJECTED, e.kind());
        assertFalse(claimed("zara", "Z-1"));
        assertEquals(0, coins("alice"));
    }

    @Test
    void submit_shouldAnswerAReplayBeforeRateLimitsAndRules_whenTheStoreClosedAndTheWindowPassed() {
        // GIVEN alice's credited receipt, a limit of 2 a minute
        env.put("RECEIPT_RATE_LIMIT", "2/60s");
        ReceiptRequest printed = code("nike", "N-1", "100.00");
        assertFalse(service().submit("alice", printed).replayed());
        // AND since then nike left the mall, 40 days passed and alice used up this minute's permits
        StoreCatalogue catalogue = new Services(core(dynamo)).stores();
        Store nike = catalogue.find("nike").orElseThrow();
        catalogue.save(new Store(nike.storeId(), nike.name(), nike.category(), nike.floor(), nike.multiplier(), nike.maxReceiptAmount(), false, nike.verification()));
        clock.advance(Duration.ofDays(40));
        service().submit("alice", ReceiptRequest.signed(ReceiptCodes.code("zara", "Z-1", "1.00", clock.instant())));
        service().submit("alice", ReceiptRequest.signed(ReceiptCodes.code("zara", "Z-2", "1.00", clock.instant())));
        assertEquals("rate_limited", assertThrows(DomainException.class, () -> service().submit("alice",
                ReceiptRequest.signed(ReceiptCodes.code("zara", "Z-3", "1.00", clock.instant())))).code());
        // WHEN she sends the nike receipt again THEN it is the replay (200), not 422 or 429
        Submitted again = service().submit("alice", printed);
        assertTrue(again.replayed());
        assertEquals(150, ((ReceiptResult) again).coinsEarned());
    }

    @Test
    void submit_shouldAnswerTheCreditMadeBeforeACrash_beforeRateLimitsAndRules() {
        // GIVEN an attempt that died right after its transaction (writes: the durable rate count, then the transaction)
        env.put("RECEIPT_RATE_LIMIT", "1/60s");
        ReceiptRequest printed = code("nike", "N-1", "100.00");
        CrashingDynamoDb crashing = new CrashingDynamoDb(dynamo, 2);
        assertThrows(CrashingDynamoDb.Crash.class, () -> new Services(core(crashing), (u, t, d) -> { }).receipts().submit("alice", printed));
        assertTrue(claimed("nike", "N-1"));
        // AND the store has closed since, and alice has no permit left in this minute
        StoreCatalogue catalogue = new Services(core(dynamo)).stores();
        Store nike = catalogue.find("nike").orElseThrow();
        catalogue.save(new Store(nike.storeId(), nike.name(), nike.category(), nike.floor(), nike.multiplier(), nike.maxReceiptAmount(), false, nike.verification()));
        // WHEN she retries THEN she gets the credit made before the crash (not 429, not 422), counted once
        Submitted retried = service().submit("alice", printed);
        assertTrue(retried.replayed());
        assertEquals(150, coins("alice"));
    }

    @Test
    void claimKey_shouldBeExactlyWhatTheStoreSigned_andNeverReachableThroughAnotherStoreId() {
        // GIVEN alice's signed zara receipt R-9
        assertFalse(service().submit("alice", code("zara", "R-9", "20.00")).replayed());
        ReceiptClaim claim = new Services(core(dynamo)).receiptClaims().find("zara", "R-9").orElseThrow();
        assertEquals("zara", claim.storeId());
        assertEquals("R-9", claim.receiptId());
        assertEquals("zara-dev-1", claim.kid());
        // WHEN bob has another store's till sign a "zara" receipt R-9, THEN its key is of the wrong store
        DevReceiptSigner.DevKey hm = ReceiptCodes.signer().key("hm");
        assertEquals("receipt_key_wrong_store", assertThrows(DomainException.class, () -> service().submit("bob",
                ReceiptRequest.signed(DevReceiptSigner.signPayload(hm.kid(), hm.privateKey(), payload("zara", "R-9", "20.00"))))).code());
        // AND a code cannot be sent with a store id beside it
        assertEquals("storeId", assertThrows(DomainException.class,
                () -> new ReceiptRequest(ReceiptCodes.code("hm", "R-9", "20.00", BOUGHT), null, "zara", null, null)).field());
        // AND hm's own receipt R-9 is another receipt (another claim), which leaves zara's untouched
        assertFalse(service().submit("bob", code("hm", "R-9", "20.00")).replayed());
        assertEquals("alice", new Services(core(dynamo)).receiptClaims().find("zara", "R-9").orElseThrow().userId());
        // AND an id that differs only in case is not the signed receipt either: a new claim, not alice's
        assertFalse(service().submit("bob", code("zara", "r-9", "20.00")).replayed());
        assertEquals(20, coins("alice"));
    }
}
