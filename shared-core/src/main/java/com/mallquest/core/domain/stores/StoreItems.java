package com.mallquest.core.domain.stores;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Stores table's item layout, spelled once. The table has one hash key, {@value #KEY}, and two kinds of item:
 *
 * <table>
 *   <caption>Stores table items</caption>
 *   <tr><th>item</th><th>{@value #KEY}</th><th>attributes</th></tr>
 *   <tr><td>a store</td><td>the store id ({@code zara})</td>
 *       <td>{@code name, category, floor?, multiplier, maxReceiptAmount?, active, verification?, aliases?} (a list of
 *       strings), {@code version?} (a number raised by every change through the API; none reads as 1: the store
 *       written by a seed), {@code development?} (true: local development data)</td></tr>
 *   <tr><td>a store's public key</td><td>{@code KEY#<kid>}</td>
 *       <td>{@code kid, keyOf} (the store), {@code kty, crv, x} (the public JWK), {@code createdAt, revokedAt?},
 *       {@code development?}</td></tr>
 * </table>
 * A store id never contains {@code #} ({@link Store#ID}), so the two kinds can never collide; key ids are one
 * namespace for the whole mall, which is what lets a verifier tell an unknown {@code kid} from another store's key.
 */
public final class StoreItems {
    private StoreItems() { }

    /** The table's hash key attribute. */
    public static final String KEY = "storeId";
    static final String KEY_PREFIX = "KEY#";
    static final String KID = "kid";
    static final String KEY_OF = "keyOf";
    static final String CREATED_AT = "createdAt";
    static final String REVOKED_AT = "revokedAt";
    static final String VERSION = "version";
    static final String DEVELOPMENT = "development";
    static final String ALIASES = "aliases";

    /** A scan filter that keeps store items (key items carry {@value #KID}). */
    static final String STORES_ONLY = "attribute_not_exists(" + KID + ")";
    /** A scan filter that keeps the key items of the store {@code :store}. */
    static final String KEYS_OF_STORE = KEY_OF + " = :store";

    static Map<String, AttributeValue> storeKey(String storeId) {
        return Map.of(KEY, s(storeId));
    }

    static Map<String, AttributeValue> keyItemKey(String kid) {
        return Map.of(KEY, s(KEY_PREFIX + kid));
    }

    /** True for a store's public-key item (as opposed to a store). */
    public static boolean isKeyItem(Map<String, AttributeValue> item) {
        AttributeValue key = item.get(KEY);
        return key != null && key.s() != null && key.s().startsWith(KEY_PREFIX);
    }

    static Map<String, AttributeValue> toItem(Store store) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(KEY, s(store.storeId()));
        item.put("name", s(store.name()));
        item.put("category", s(store.category()));
        if (store.floor() != null) {
            item.put("floor", s(store.floor()));
        }
        item.put("multiplier", n(store.multiplier().toPlainString()));
        if (store.maxReceiptAmount() != null) {
            item.put("maxReceiptAmount", n(store.maxReceiptAmount().toPlainString()));
        }
        item.put("active", AttributeValue.fromBool(store.active()));
        item.put("verification", s(store.verification().wire()));
        if (!store.aliases().isEmpty()) {
            item.put(ALIASES, AttributeValue.fromL(store.aliases().stream().map(StoreItems::s).toList()));
        }
        return item;
    }

    /** A store item as the API writes it: the store, its {@code version}, and the development marker when set. */
    static Map<String, AttributeValue> toItem(Store store, long version, boolean development) {
        Map<String, AttributeValue> item = toItem(store);
        item.put(VERSION, n(Long.toString(version)));
        if (development) {
            item.put(DEVELOPMENT, AttributeValue.fromBool(true));
        }
        return item;
    }

    /** The item's {@code version}; 1 for an item written without one (the seed). */
    static long version(Map<String, AttributeValue> item) {
        AttributeValue version = item.get(VERSION);
        return version == null || version.n() == null ? 1 : Long.parseLong(version.n());
    }

    /** True when the item is marked as local development data. */
    static boolean development(Map<String, AttributeValue> item) {
        AttributeValue development = item.get(DEVELOPMENT);
        return development != null && Boolean.TRUE.equals(development.bool());
    }

    static Store toStore(Map<String, AttributeValue> item) {
        AttributeValue floor = item.get("floor");
        AttributeValue max = item.get("maxReceiptAmount");
        AttributeValue active = item.get("active");
        AttributeValue verification = item.get("verification");
        AttributeValue aliases = item.get(ALIASES);
        return new Store(item.get(KEY).s(), item.get("name").s(), item.get("category").s(),
                floor == null ? null : floor.s(),
                new BigDecimal(item.get("multiplier").n()),
                max == null || max.n() == null ? null : new BigDecimal(max.n()),
                active == null || Boolean.TRUE.equals(active.bool()),
                Verification.fromWire(verification == null ? null : verification.s()),
                aliases == null || !aliases.hasL() ? List.of() : aliases.l().stream().map(AttributeValue::s).toList());
    }

    static Map<String, AttributeValue> toItem(StoreKey key) {
        Map<String, AttributeValue> item = new HashMap<>(keyItemKey(key.kid()));
        item.put(KID, s(key.kid()));
        item.put(KEY_OF, s(key.storeId()));
        item.put("kty", s(StoreKey.KTY));
        item.put("crv", s(StoreKey.CRV));
        item.put("x", s(key.x()));
        item.put(CREATED_AT, s(key.createdAt().toString()));
        if (key.revokedAt() != null) {
            item.put(REVOKED_AT, s(key.revokedAt().toString()));
        }
        if (key.development()) {
            item.put(DEVELOPMENT, AttributeValue.fromBool(true));
        }
        return item;
    }

    static StoreKey toKey(Map<String, AttributeValue> item) {
        AttributeValue revoked = item.get(REVOKED_AT);
        return new StoreKey(item.get(KID).s(), item.get(KEY_OF).s(), item.get("x").s(),
                Instant.parse(item.get(CREATED_AT).s()), revoked == null ? null : Instant.parse(revoked.s()), development(item));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }
}
