package com.mallquest.core.domain.stores;

import com.mallquest.core.testing.TestStack;
import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.MemoryCache;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.wiring.Platform;

import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.StoreSeed;
import com.mallquest.core.testing.WeakEd25519Keys;
import com.mallquest.local.services.DevReceiptSigner;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Store keys on moto_server: registration, conflicts, listing, revocation, who may, and the cache's TTL. */
class StoreKeysTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Caller ADMIN = new Caller("admin-1", Set.of(Caller.ADMIN_GROUP));
    private static final Caller ZARA_STAFF = new Caller("till-admin", Set.of(Caller.STORE_MANAGER_GROUP), "zara");
    private static final Caller HM_STAFF = new Caller("hm-manager", Set.of(Caller.STORE_MANAGER_GROUP), "hm");

    private Platform core;
    private MutableClock clock;

    @BeforeEach
    void setUp() {
        TestStack stack = TestStack.empty("stores", NOW, Map.of());
        clock = stack.clock;
        core = stack.core();
        StoreSeed.load(new Services(core).stores());
    }

    private StoreKeys keys() {
        return new Services(core).storeKeys();
    }

    private static StoreKeyRequest jwk(KeyPair pair) {
        return new StoreKeyRequest("OKP", "Ed25519", DevReceiptSigner.x(pair.getPublic()), null, null, null, null);
    }

    @Test
    void register_shouldCreate_thenAnswerTheSameKey_thenRefuseAnotherKeyUnderThatKid() {
        KeyPair pair = DevReceiptSigner.generate();
        // WHEN zara's staff registers a key THEN it is created
        StoreKeys.Registration first = keys().register(ZARA_STAFF, "zara", "zara-till-1", jwk(pair));
        assertTrue(first.created());
        assertEquals("zara", first.key().storeId());
        // AND the same key again is no new key
        StoreKeys.Registration again = keys().register(ADMIN, "zara", "zara-till-1", jwk(pair));
        assertFalse(again.created());
        assertEquals(first.key(), again.key());
        // AND another key under that kid is 409, in this store or another
        assertEquals("key_id_taken", assertThrows(DomainException.class,
                () -> keys().register(ADMIN, "zara", "zara-till-1", jwk(DevReceiptSigner.generate()))).code());
        assertEquals("key_id_taken", assertThrows(DomainException.class,
                () -> keys().register(ADMIN, "hm", "zara-till-1", jwk(pair))).code());
        assertEquals(List.of(first.key()), keys().list(ADMIN, "zara"));
        assertEquals(List.of(), keys().list(ADMIN, "hm"));
    }

    @Test
    void register_shouldRefuseBadJwksAndUnknownStores() {
        String x = DevReceiptSigner.x(DevReceiptSigner.generate().getPublic());
        assertEquals("private_key_refused", assertThrows(DomainException.class,
                () -> new StoreKeyRequest("OKP", "Ed25519", x, "c2VjcmV0", null, null, null)).code());
        assertEquals("kty", assertThrows(DomainException.class, () -> new StoreKeyRequest("EC", "Ed25519", x, null, null, null, null)).field());
        assertEquals("crv", assertThrows(DomainException.class, () -> new StoreKeyRequest("OKP", "X25519", x, null, null, null, null)).field());
        assertEquals("x", assertThrows(DomainException.class, () -> new StoreKeyRequest("OKP", "Ed25519", "AAAA", null, null, null, null)).field());
        assertEquals("alg", assertThrows(DomainException.class, () -> new StoreKeyRequest("OKP", "Ed25519", x, null, null, "HS256", null)).field());
        StoreKeyRequest good = new StoreKeyRequest("OKP", "Ed25519", x, null, null, null, null);
        assertEquals("unknown_store", assertThrows(DomainException.class, () -> keys().register(ADMIN, "nowhere", "k-1", good)).code());
        assertEquals("kid", assertThrows(DomainException.class, () -> keys().register(ADMIN, "zara", "a/b", good)).field());
        assertEquals("kid", assertThrows(DomainException.class, () -> keys().register(ADMIN, "zara", "k-1",
                new StoreKeyRequest("OKP", "Ed25519", x, null, "k-2", null, null))).field());
    }

    @Test
    void register_shouldAcceptTheOptionalJwkMembers_useAlgAndAMatchingKid_andRefuseOtherValues() {
        // GIVEN public JWKs as JOSE libraries export them: use "sig", alg "EdDSA" (RFC 8037) or "Ed25519" (RFC 9864), the kid
        for (String alg : new String[] {"EdDSA", "Ed25519"}) {
            String kid = "zara-" + alg.toLowerCase();
            StoreKeyRequest exported = new StoreKeyRequest("OKP", "Ed25519", DevReceiptSigner.x(DevReceiptSigner.generate().getPublic()),
                    null, kid, alg, "sig");
            // WHEN registered under the same kid THEN it is created
            assertTrue(keys().register(ZARA_STAFF, "zara", kid, exported).created(), alg);
        }
        // AND any other use or alg is refused, naming the member
        String x = DevReceiptSigner.x(DevReceiptSigner.generate().getPublic());
        for (String alg : new String[] {"ES256", "none", "Ed448", "ED25519", "eddsa", ""}) {
            assertEquals("alg", assertThrows(DomainException.class, () -> new StoreKeyRequest("OKP", "Ed25519", x, null, null, alg, "sig")).field(), alg);
        }
        for (String use : new String[] {"enc", "SIG", ""}) {
            assertEquals("use", assertThrows(DomainException.class, () -> new StoreKeyRequest("OKP", "Ed25519", x, null, null, "Ed25519", use)).field(), use);
        }
        // AND a kid other than the path's is refused
        assertEquals("kid", assertThrows(DomainException.class, () -> keys().register(ADMIN, "zara", "zara-a",
                new StoreKeyRequest("OKP", "Ed25519", x, null, "zara-b", "Ed25519", "sig"))).field());
    }

    @Test
    void register_shouldRefuseSmallOrderAndNonCanonicalKeys_andStillRegisterANormalKey() {
        // GIVEN the identity point as the issue registered it, every other point of small order, and non-canonical encodings
        assertEquals("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", WeakEd25519Keys.x(WeakEd25519Keys.SMALL_ORDER.get(0)));
        for (String hex : WeakEd25519Keys.all()) {
            // WHEN each is sent as a store key THEN 400 weak_key naming x
            DomainException e = assertThrows(DomainException.class, () -> keys().register(ADMIN, "zara", "zara-weak",
                    new StoreKeyRequest("OKP", "Ed25519", WeakEd25519Keys.x(hex), null, null, null, null)), hex);
            assertEquals("weak_key", e.code(), hex);
            assertEquals("x", e.field(), hex);
            assertEquals(DomainException.Kind.INVALID, e.kind(), hex);
        }
        // AND nothing was stored
        assertTrue(keys().find("zara-weak").isEmpty());
        // AND normal keys still register
        for (int i = 0; i < 20; i++) {
            assertTrue(keys().register(ADMIN, "zara", "zara-good-" + i, jwk(DevReceiptSigner.generate())).created());
        }
    }

    @Test
    void keys_shouldBeManagedOnlyByAnAdminOrThatStoresStaff() {
        StoreKeyRequest key = jwk(DevReceiptSigner.generate());
        Caller shopper = new Caller("alice", Set.of());
        for (Caller stranger : List.of(HM_STAFF, shopper)) {
            assertEquals(DomainException.Kind.FORBIDDEN, assertThrows(DomainException.class,
                    () -> keys().register(stranger, "zara", "zara-x", key)).kind());
            assertEquals(DomainException.Kind.FORBIDDEN, assertThrows(DomainException.class, () -> keys().list(stranger, "zara")).kind());
            assertEquals(DomainException.Kind.FORBIDDEN, assertThrows(DomainException.class,
                    () -> keys().revoke(stranger, "zara", "zara-x")).kind());
        }
        assertTrue(keys().register(ZARA_STAFF, "zara", "zara-x", key).created());
    }

    @Test
    void revoke_shouldMarkTheKey_keepItListed_andNeverReinstateIt() {
        KeyPair pair = DevReceiptSigner.generate();
        keys().register(ADMIN, "zara", "zara-till-1", jwk(pair));
        clock.advance(Duration.ofHours(1));
        // WHEN revoked (twice: the second answers the first)
        StoreKey revoked = keys().revoke(ZARA_STAFF, "zara", "zara-till-1");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(revoked, keys().revoke(ZARA_STAFF, "zara", "zara-till-1"));
        // THEN it is listed as revoked, and registering it again is 409
        assertEquals(NOW.plus(Duration.ofHours(1)), revoked.revokedAt());
        assertEquals("revoked", keys().list(ADMIN, "zara").get(0).status());
        assertEquals("key_revoked", assertThrows(DomainException.class,
                () -> keys().register(ADMIN, "zara", "zara-till-1", jwk(pair))).code());
        // AND another store's key or an unknown one is 404
        assertEquals("key_not_found", assertThrows(DomainException.class, () -> keys().revoke(ADMIN, "hm", "zara-till-1")).code());
        assertEquals("key_not_found", assertThrows(DomainException.class, () -> keys().revoke(ADMIN, "zara", "nope")).code());
    }

    @Test
    void find_shouldServeACachedKeyForAtMostTheTtl_soARevocationElsewhereTakesEffectWithinIt() {
        // GIVEN a container (its own StoreKeys, TTL 30 s) that has looked a key up
        keys().register(ADMIN, "zara", "zara-till-1", jwk(DevReceiptSigner.generate()));
        StoreKeys container = new StoreKeys(core.dynamoDb(), core.settings().storesTable(), core.settings().auditTable(), new Services(core).stores(), clock, Duration.ofSeconds(30), false);
        assertFalse(container.find("zara-till-1").orElseThrow().revoked());
        // WHEN another container revokes it
        keys().revoke(ADMIN, "zara", "zara-till-1");
        // THEN this one may serve its copy until the TTL ends, and never longer
        clock.advance(Duration.ofSeconds(29));
        assertFalse(container.find("zara-till-1").orElseThrow().revoked(), "served from the cache within the TTL");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(container.find("zara-till-1").orElseThrow().revoked(), "read again once the TTL passed");
        // AND a TTL above a minute is refused
        assertThrows(IllegalArgumentException.class,
                () -> new StoreKeys(core.dynamoDb(), core.settings().storesTable(), core.settings().auditTable(), new Services(core).stores(), clock, Duration.ofSeconds(61), false));
    }

    @Test
    void catalogue_shouldNotListKeyItems() {
        keys().register(ADMIN, "zara", "zara-till-1", jwk(DevReceiptSigner.generate()));
        StoreCatalogue catalogue = new StoreCatalogue(core.dynamoDb(), core.settings().storesTable(), new MemoryCache(), Duration.ofSeconds(60));
        assertEquals(StoreSeed.stores().size(), catalogue.all().size());
        assertTrue(catalogue.all().stream().noneMatch(s -> s.storeId().contains("#")));
    }
}
