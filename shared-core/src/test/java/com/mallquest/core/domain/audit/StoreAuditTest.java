package com.mallquest.core.domain.audit;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.domain.stores.Store;
import com.mallquest.core.domain.stores.StoreKeyRequest;
import com.mallquest.core.domain.stores.StoreKeys;
import com.mallquest.core.domain.stores.StoreRegistry;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.testing.CrashingDynamoDb;
import com.mallquest.local.services.DevReceiptSigner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail is written with its change: present when the change applied, absent when it did not, never twice. */
class StoreAuditTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Caller ADMIN = new Caller("op-1", Set.of(Caller.ADMIN_GROUP));
    private static final Caller ZARA_MANAGER = new Caller("zara-m", Set.of(Caller.STORE_MANAGER_GROUP), "zara");
    private static final Caller HM_MANAGER = new Caller("hm-m", Set.of(Caller.STORE_MANAGER_GROUP), "hm");
    private static final Store ZARA = new Store("zara", "Zara", "fashion", "L1", BigDecimal.ONE, null, true);

    private Platform core;
    private AuditTrail trail;

    @BeforeEach
    void setUp() {
        core = TestStack.empty("audit", NOW, Map.of()).core();
        trail = new AuditTrail(core.dynamoDb(), core.settings().auditTable(), core.clock());
    }

    private StoreRegistry registry(DynamoDbClient dynamo) {
        return new StoreRegistry(dynamo, core.settings().storesTable(), core.settings().auditTable(), new Services(core).stores(), core.clock(), false);
    }

    private StoreKeys keys(DynamoDbClient dynamo) {
        return new StoreKeys(dynamo, core.settings().storesTable(), core.settings().auditTable(), new Services(core).stores(), core.clock(),
                Duration.ofSeconds(30), false);
    }

    private List<AuditEntry> entries() {
        return trail.page(ADMIN, null, null, null, null, 100, null).entries();
    }

    @Test
    void storeChange_shouldLeaveNoEntry_whenItsTransactionIsCancelled() {
        // GIVEN zara at version 1, and a client on which another operator's change lands between the read and the write
        registry(core.dynamoDb()).put(ADMIN, ZARA, null, false);
        DynamoDbClient racing = (DynamoDbClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("transactWriteItems")) {
                        core.dynamoDb().updateItem(UpdateItemRequest.builder().tableName(core.settings().storesTable())
                                .key(Map.of("storeId", AttributeValue.fromS("zara"))).updateExpression("SET version = :v")
                                .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("2"))).build());
                    }
                    try {
                        return method.invoke(core.dynamoDb(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        // WHEN a replace from version 1 is written through it
        DomainException stale = assertThrows(DomainException.class, () -> registry(racing)
                .put(ADMIN, new Store("zara", "Zara Home", "fashion", "L1", BigDecimal.ONE, null, true), 1L, false));
        // THEN it is refused (412), and the trail holds the creation only
        assertEquals("version_mismatch", stale.code());
        List<AuditEntry> entries = entries();
        assertEquals(1, entries.size(), entries.toString());
        assertEquals(AuditAction.STORE_CREATED, entries.get(0).action());
        assertEquals("op-1", entries.get(0).actorId());
        assertEquals("admin", entries.get(0).actorRole());
        assertNull(entries.get(0).before());
    }

    @Test
    void keyRegistration_shouldHaveExactlyOneEntry_whenTheProcessDiesAfterTheWriteAndTheCallIsRetried() {
        // GIVEN zara, and a container that dies right after its first write
        registry(core.dynamoDb()).put(ADMIN, ZARA, null, false);
        StoreKeyRequest jwk = new StoreKeyRequest("OKP", "Ed25519", DevReceiptSigner.x(DevReceiptSigner.generate().getPublic()), null, null, null, null);
        CrashingDynamoDb dying = new CrashingDynamoDb(core.dynamoDb(), 1);
        // WHEN the manager registers a key there (the write lands, the answer is lost) and retries elsewhere
        assertThrows(CrashingDynamoDb.Crash.class, () -> keys(dying).register(ZARA_MANAGER, "zara", "zara-till-1", jwk));
        StoreKeys.Registration retry = keys(core.dynamoDb()).register(ZARA_MANAGER, "zara", "zara-till-1", jwk);
        // THEN the retry answers the same key, and the trail holds its registration once
        assertTrue(!retry.created());
        List<AuditEntry> registered = entries().stream().filter(e -> e.action() == AuditAction.KEY_REGISTERED).toList();
        assertEquals(1, registered.size(), registered.toString());
        assertEquals("zara-m", registered.get(0).actorId());
        assertEquals("store-manager", registered.get(0).actorRole());
        // AND a revocation, revoked again, is one entry too
        keys(core.dynamoDb()).revoke(ZARA_MANAGER, "zara", "zara-till-1");
        keys(core.dynamoDb()).revoke(ZARA_MANAGER, "zara", "zara-till-1");
        assertEquals(1, entries().stream().filter(e -> e.action() == AuditAction.KEY_REVOKED).count());
    }

    @Test
    void page_shouldShowAManagerTheirStoreOnly_andPageNewestFirst() {
        // GIVEN changes at zara and hm by their managers and an admin
        registry(core.dynamoDb()).put(ADMIN, ZARA, null, false);
        registry(core.dynamoDb()).put(ADMIN, new Store("hm", "H&M", "fashion", "L1", BigDecimal.ONE, null, true), null, false);
        for (int i = 0; i < 3; i++) {
            keys(core.dynamoDb()).register(ZARA_MANAGER, "zara", "zara-" + i,
                    new StoreKeyRequest("OKP", "Ed25519", DevReceiptSigner.x(DevReceiptSigner.generate().getPublic()), null, null, null, null));
        }
        keys(core.dynamoDb()).register(HM_MANAGER, "hm", "hm-0",
                new StoreKeyRequest("OKP", "Ed25519", DevReceiptSigner.x(DevReceiptSigner.generate().getPublic()), null, null, null, null));
        // WHEN zara's manager reads the trail (no storeId: their own), two at a time
        AuditTrail.Page first = trail.page(ZARA_MANAGER, null, null, null, null, 2, null);
        AuditTrail.Page second = trail.page(ZARA_MANAGER, null, null, null, null, 2, first.nextCursor());
        // THEN 4 zara entries across the pages, none of hm's; hm's trail is refused to them
        List<AuditEntry> all = new java.util.ArrayList<>(first.entries());
        all.addAll(second.entries());
        assertEquals(4, all.size(), all.toString());
        assertTrue(all.stream().allMatch(e -> "zara".equals(e.storeId())));
        assertEquals("forbidden", assertThrows(DomainException.class, () -> trail.page(ZARA_MANAGER, "hm", null, null, null, 10, null)).code());
        // AND an admin filters by actor across the mall
        assertEquals(2, trail.page(ADMIN, null, "op-1", null, null, 10, null).entries().size());
        assertEquals(1, trail.page(ADMIN, null, "hm-m", null, null, 10, null).entries().size());
        assertEquals("invalid_cursor", assertThrows(DomainException.class, () -> trail.page(ADMIN, null, null, null, null, 10, "bad!")).code());
    }
}
