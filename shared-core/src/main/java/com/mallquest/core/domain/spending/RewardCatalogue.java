package com.mallquest.core.domain.spending;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.domain.audit.AuditAction;
import com.mallquest.core.domain.audit.AuditEntry;
import com.mallquest.core.domain.audit.AuditItems;
import com.mallquest.core.platform.dynamo.Transaction;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.json.Json;
import com.mallquest.core.domain.stores.StoreCatalogue;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import static com.mallquest.core.domain.spending.SpendingItems.REMAINING;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * The rewards catalogue: {@code PUT /admin/rewards/{rewardId}} ({@link #put}), {@code GET /rewards}
 * ({@link #listAvailable}: active, in their window, with remaining stock; cached for {@code REWARD_CACHE_TTL_SECONDS}
 * in the shared cache like the store catalogue, so the stock shown may lag by that much — redemption itself always
 * decides on the stored stock) and {@code GET /rewards/{rewardId}}.
 *
 * <pre>{@code
 * RewardCatalogue rewards = services.rewards();
 * RewardCatalogue.Saved saved = rewards.put(admin, "starbucks-coffee", change);
 * List<CatalogueReward> open = rewards.listAvailable();
 * }</pre>
 */
public final class RewardCatalogue {

    /** The shape of a reward id. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** The cache entry holding every reward as JSON. */
    public static final String CACHE_KEY = CacheKeys.build("rewards", "catalogue", "all");
    private static final TypeReference<List<CatalogueReward>> LIST = new TypeReference<>() { };

    private final DynamoDbClient dynamo;
    private final String table;
    private final Cache cache;
    private final Duration ttl;
    private final Clock clock;
    private final StoreCatalogue stores;
    private final String auditTable;

    /** @param auditTable the audit trail's table: each change of a reward is written there with the change */
    public RewardCatalogue(DynamoDbClient dynamo, String spendingTable, String auditTable, Cache cache, Duration ttl, Clock clock,
                           StoreCatalogue stores) {
        this.dynamo = dynamo;
        this.table = spendingTable;
        this.auditTable = auditTable;
        this.cache = cache;
        this.ttl = ttl;
        this.clock = clock;
        this.stores = stores;
    }


    /** The outcome of {@link #put}: {@code created} false for an update. */
    public record Saved(boolean created, CatalogueReward reward) { }

    /**
     * Creates reward {@code rewardId} or replaces its definition, changing stock only as {@link RewardChange} says, in
     * one transaction with the change's audit entry (by {@code caller}): a refused or repeated change writes none.
     *
     * @throws DomainException 403 not an admin, 400 for a bad id, 422 {@code unknown_store}, 409 {@code stock_changed}
     */
    public Saved put(Caller caller, String rewardId, RewardChange change) {
        if (!caller.isAdmin()) {
            throw DomainException.forbidden("forbidden", "Only an administrator changes the rewards catalogue");
        }
        requireId(rewardId);
        if (change.storeId() != null && stores.find(change.storeId()).isEmpty()) {
            throw DomainException.rejected("unknown_store", "There is no store '" + change.storeId() + "' in this mall", "storeId");
        }
        Map<String, AttributeValue> values = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        StringJoiner set = new StringJoiner(", ");
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : SpendingItems.rewardDefinition(rewardId, change, clock.instant()).entrySet()) {
            names.put("#a" + i, e.getKey());
            values.put(":a" + i, e.getValue());
            set.add("#a" + i + " = :a" + i);
            i++;
        }
        StringJoiner remove = new StringJoiner(", ");
        for (String optional : SpendingItems.OPTIONAL_DEFINITION) {
            if (!names.containsValue(optional)) {
                names.put("#a" + i, optional);
                remove.add("#a" + i);
                i++;
            }
        }
        String fingerprint = fingerprint(rewardId, change);
        names.put("#ver", SpendingItems.REWARD_VERSION);
        names.put("#last", SpendingItems.LAST_CHANGE);
        values.put(":zero", n(0));
        values.put(":one", n(1));
        values.put(":fp", s(fingerprint));
        set.add("#ver = if_not_exists(#ver, :zero) + :one");
        set.add("#last = :fp");
        Optional<CatalogueReward> before = read(rewardId);
        boolean exists = before.isPresent();
        String condition;
        String add = "";
        if (!exists) {
            if (change.stockDelta() != null || change.expectedStock() != null || change.expectedVersion() != null) {
                throw DomainException.invalid(change.stockDelta() != null ? "stockDelta" : change.expectedStock() != null
                        ? "expectedStock" : "expectedVersion", "stockDelta, expectedStock and expectedVersion change an existing"
                        + " reward; a new one takes stock");
            }
            condition = "attribute_not_exists(pk)";
            if (change.stock() != null) {
                set.add("#rem = :stock");
                values.put(":stock", n(change.stock()));
            }
        } else {
            condition = "attribute_exists(pk)";
            if (change.expectedVersion() != null) {
                condition += change.expectedVersion() == 0 ? " AND attribute_not_exists(#ver)" : " AND #ver = :expectedVersion";
                if (change.expectedVersion() != 0) {
                    values.put(":expectedVersion", n(change.expectedVersion()));
                }
            }
            if (change.stockDelta() != null) {
                add = " ADD #rem :delta";
                values.put(":delta", n(change.stockDelta()));
                condition += " AND attribute_exists(#rem)";
                if (change.stockDelta() < 0) {
                    condition += " AND #rem >= :need";
                    values.put(":need", n(-change.stockDelta()));
                }
            } else if (change.stock() != null) {
                set.add("#rem = :stock");
                values.put(":stock", n(change.stock()));
                if (change.expectedStock() != null) {
                    condition += " AND #rem = :expected";
                    values.put(":expected", n(change.expectedStock()));
                } else {
                    condition += " AND attribute_not_exists(#rem)";
                }
            }
        }
        if ((set + add + condition).contains("#rem")) {
            names.put("#rem", REMAINING);
        }
        String expression = "SET " + set + (remove.length() > 0 ? " REMOVE " + remove : "") + add;
        Instant at = clock.instant();
        long version = before.map(CatalogueReward::version).orElse(0L) + 1;
        AuditEntry entry = AuditEntry.of(caller, at, AuditAction.REWARD_CHANGED, change.storeId(), "reward:" + rewardId,
                "reward:" + rewardId + ":v" + version, before.map(Json::write).orElse(null), Json.write(change));
        Transaction.Outcome outcome = new Transaction(dynamo).write(List.of(
                TransactWriteItem.builder().update(Update.builder()
                        .tableName(table)
                        .key(SpendingItems.rewardKey(rewardId))
                        .updateExpression(expression)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .build()).build(),
                AuditItems.put(auditTable, entry)));
        if (!outcome.applied()) {
            if (!outcome.conditionFailed(0)) {
                throw new IllegalStateException("audit entry " + entry.entryId() + " exists without its change");
            }
            Map<String, AttributeValue> current = !outcome.oldItem(0).isEmpty() ? outcome.oldItem(0)
                    : readItem(SpendingItems.rewardKey(rewardId));
            if (current == null) {
                throw new IllegalStateException("reward " + rewardId + " vanished while being updated");
            }
            if (!exists) {
                // created by a concurrent request a moment ago: apply this change as an update
                return put(caller, rewardId, change);
            }
            long currentVersion = SpendingItems.versionOf(current);
            Long remaining = SpendingItems.optNum(current, REMAINING);
            if (current.containsKey(SpendingItems.LAST_CHANGE) && fingerprint.equals(current.get(SpendingItems.LAST_CHANGE).s())
                    && (change.expectedVersion() == null || currentVersion == change.expectedVersion() + 1)) {
                // this very change was applied (its first copy, or an earlier retry): answer what it left, add nothing
                cache.delete(CACHE_KEY);
                return new Saved(false, SpendingItems.reward(current));
            }
            if (change.expectedVersion() != null && currentVersion != change.expectedVersion()) {
                throw DomainException.conflict("reward_changed", "The reward is at version " + currentVersion + ", not "
                                + change.expectedVersion() + ": read it again and send its version as expectedVersion")
                        .detail("version", currentVersion).detail("remaining", remaining);
            }
            throw DomainException.conflict("stock_changed", remaining == null
                            ? "This reward has unlimited stock: there is no stock to change"
                            : "The remaining stock is " + remaining + ": send stockDelta, or stock with expectedStock " + remaining)
                    .detail("remaining", remaining);
        }
        cache.delete(CACHE_KEY);
        return new Saved(!exists, read(rewardId).orElseThrow(() -> new IllegalStateException("reward " + rewardId + " written but not found")));
    }

    /** The stored reward (strongly consistent), active or not. */
    public Optional<CatalogueReward> find(String rewardId) {
        return ID.matcher(rewardId).matches() ? read(rewardId) : Optional.empty();
    }

    /** A reward a shopper may see now ({@code GET /rewards/{rewardId}}): 404 {@code reward_not_found} otherwise. */
    public CatalogueReward available(String rewardId) {
        Instant now = clock.instant();
        return all().stream().filter(r -> r.rewardId().equals(rewardId) && r.availableAt(now)).findFirst()
                .orElseThrow(() -> DomainException.notFound("reward_not_found", "There is no reward '" + rewardId + "' on offer"));
    }

    /** The rewards on offer now, cheapest first (cached). */
    public List<CatalogueReward> listAvailable() {
        Instant now = clock.instant();
        return all().stream().filter(r -> r.availableAt(now))
                .sorted(Comparator.comparingLong(CatalogueReward::costCoins).thenComparing(CatalogueReward::rewardId)).toList();
    }

    /** Forgets the cached list (a redemption changed the stock). */
    void invalidate() {
        cache.delete(CACHE_KEY);
    }

    /** Reads a seed file: a JSON array of {@code {"rewardId", ...RewardChange fields}}. */
    public static List<Map<String, Object>> readSeed(InputStream json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the rewards seed", e);
        }
    }

    private List<CatalogueReward> all() {
        Optional<String> cached = cache.get(CACHE_KEY);
        if (cached.isPresent()) {
            try {
                return Json.MAPPER.readValue(cached.get(), LIST);
            } catch (JsonProcessingException e) {
                cache.delete(CACHE_KEY);
            }
        }
        List<CatalogueReward> rewards = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(SpendingItems.REWARDS_PK)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.query(query.build());
            response.items().forEach(item -> rewards.add(SpendingItems.reward(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        cache.set(CACHE_KEY, Json.write(rewards), ttl);
        return rewards;
    }

    private Optional<CatalogueReward> read(String rewardId) {
        return Optional.ofNullable(readItem(SpendingItems.rewardKey(rewardId))).map(SpendingItems::reward);
    }

    private Map<String, AttributeValue> readItem(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    /** What identifies a change: the reward and every field of the request (the same request again is the same change). */
    private static String fingerprint(String rewardId, RewardChange change) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((rewardId + "\n" + Json.write(change)).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void requireId(String rewardId) {
        if (!ID.matcher(rewardId).matches()) {
            throw DomainException.invalid("rewardId", "rewardId must be 1 to 64 lower-case letters, digits or '-'");
        }
    }
}
