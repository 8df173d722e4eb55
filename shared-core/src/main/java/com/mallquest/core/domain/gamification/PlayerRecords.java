package com.mallquest.core.domain.gamification;

import com.mallquest.core.domain.ledger.UserItems;
import com.mallquest.core.platform.dynamo.BatchReader;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Users-table item of a shopper's gamification state, and the one place its attributes are spelled (its key:
 * {@link UserItems#gamificationKey}, {@code pk=USER#<id>, sk=GAMIFICATION}):
 * <ul>
 *   <li>{@code visitWeeks} (string set of ISO weeks) and {@code stores} (string set of store ids): grown with
 *       {@code ADD}, which is idempotent and order-independent, so a replayed or late credit changes nothing and a
 *       receipt of last Saturday submitted on Monday lands in its own week;</li>
 *   <li>{@code receipts_<yyyy-MM>} (string set of credit ids): the receipts credited in a month (the badge
 *       "ten in a month" without a query of the activity);</li>
 *   <li>{@code badge_<code>}: when the badge was awarded, written once with {@code attribute_not_exists};</li>
 *   <li>{@code publicLeaderboards} (boolean, absent = true) and {@code displayName}: the shopper's choices.</li>
 * </ul>
 * Kept apart from the ledger's {@code PROFILE} item so gamification never touches the ledger's version fence.
 */
public final class PlayerRecords {

    private static final String BADGE_PREFIX = "badge_";
    /** The set of one month's receipt credit ids: {@code receipts_2026-12}. */
    private static final String MONTH_PREFIX = "receipts_";

    private final DynamoDbClient dynamo;
    private final String table;
    private final BatchReader reader;

    public PlayerRecords(DynamoDbClient dynamo, String usersTable) {
        this.dynamo = dynamo;
        this.table = usersTable;
        this.reader = new BatchReader(dynamo);
    }

    static Map<String, AttributeValue> key(String userId) {
        return UserItems.gamificationKey(userId);
    }

    /** The user's state (strongly consistent); {@link PlayerState#empty} when there is none. */
    public PlayerState read(String userId) {
        var response = dynamo.getItem(b -> b.tableName(table).key(key(userId)).consistentRead(true));
        return response.hasItem() && !response.item().isEmpty() ? state(userId, response.item()) : PlayerState.empty(userId);
    }

    /**
     * The write of a receipt's visit, made in its credit's transaction: adds its week, its store and its credit id to
     * the set of its month's receipts ({@code receipts_<yyyy-MM>}), each with {@code ADD} (idempotent, unconditional).
     */
    public TransactWriteItem visit(String userId, String week, String storeId, YearMonth month, String creditId, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#w", "visitWeeks", "#u", "updatedAt", "#m", MONTH_PREFIX + month));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":w", AttributeValue.fromSs(List.of(week)),
                ":u", AttributeValue.fromS(now.toString()), ":m", AttributeValue.fromSs(List.of(creditId))));
        String add = "ADD #w :w, #m :m";
        if (storeId != null) {
            names.put("#s", "stores");
            values.put(":s", AttributeValue.fromSs(List.of(storeId)));
            add += ", #s :s";
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(userId))
                .updateExpression("SET #u = :u " + add)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }

    /** The user's state and how many receipts were credited in {@code month} (one strongly consistent read). */
    public Visits visits(String userId, YearMonth month) {
        var response = dynamo.getItem(b -> b.tableName(table).key(key(userId)).consistentRead(true));
        Map<String, AttributeValue> item = response.hasItem() ? response.item() : Map.of();
        return new Visits(item.isEmpty() ? PlayerState.empty(userId) : state(userId, item),
                stringSet(item.get(MONTH_PREFIX + month)).size());
    }

    /** A shopper's state with the number of receipts credited in one month. */
    public record Visits(PlayerState state, int receiptsInMonth) { }

    /** Awards {@code badge} unless the user has it: true only for the one call that wrote it. */
    public boolean award(String userId, Badge badge, Instant at) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(userId))
                    .updateExpression("SET #b = :at")
                    .conditionExpression("attribute_not_exists(#b)")
                    .expressionAttributeNames(Map.of("#b", BADGE_PREFIX + badge.code()))
                    .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(at.toString()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Stores the shopper's choices; {@code displayName} empty removes it. Returns the state after. */
    public PlayerState savePreferences(String userId, boolean publicLeaderboards, Optional<String> displayName, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#p", "publicLeaderboards", "#n", "displayName", "#u", "updatedAt"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":p", AttributeValue.fromBool(publicLeaderboards), ":u", AttributeValue.fromS(now.toString())));
        String expression;
        if (displayName.isPresent()) {
            values.put(":n", AttributeValue.fromS(displayName.get()));
            expression = "SET #p = :p, #n = :n, #u = :u";
        } else {
            expression = "SET #p = :p, #u = :u REMOVE #n";
        }
        var response = dynamo.updateItem(b -> b.tableName(table).key(key(userId))
                .updateExpression(expression)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW));
        return state(userId, response.attributes());
    }

    /**
     * The public side (visibility and display name) of any number of users ({@link BatchReader}: 100 keys a call,
     * unprocessed keys retried); a user without a record is visible and unnamed.
     */
    public Map<String, PlayerState> publicSides(Set<String> userIds) {
        Map<String, PlayerState> out = new HashMap<>();
        if (userIds.isEmpty()) {
            return out;
        }
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        userIds.forEach(id -> keys.add(key(id)));
        for (Map<String, AttributeValue> item : reader.read(table, keys, "#pk, publicLeaderboards, displayName",
                Map.of("#pk", UserItems.PK))) {
            String userId = UserItems.userIdOf(item);
            out.put(userId, state(userId, item));
        }
        for (String id : userIds) {
            out.putIfAbsent(id, PlayerState.empty(id));
        }
        return out;
    }

    /**
     * Placeholder → attribute name of what a summary needs (visit weeks, every badge of the catalogue), for a
     * projection in a read that other code makes (the user view's one batch read).
     */
    static Map<String, String> summaryAttributes() {
        Map<String, String> names = new HashMap<>(Map.of("#gw", "visitWeeks"));
        for (Badge badge : Badge.values()) {
            names.put("#gb_" + badge.code(), BADGE_PREFIX + badge.code());
        }
        return names;
    }

    static PlayerState state(String userId, Map<String, AttributeValue> item) {
        AttributeValue visible = item.get("publicLeaderboards");
        AttributeValue name = item.get("displayName");
        Map<String, Instant> badges = new HashMap<>();
        item.forEach((attribute, value) -> {
            if (attribute.startsWith(BADGE_PREFIX) && value.s() != null) {
                badges.put(attribute.substring(BADGE_PREFIX.length()), Instant.parse(value.s()));
            }
        });
        return new PlayerState(userId, visible == null || !Boolean.FALSE.equals(visible.bool()),
                name == null || name.s() == null ? Optional.empty() : Optional.of(name.s()),
                stringSet(item.get("visitWeeks")), stringSet(item.get("stores")), Map.copyOf(badges));
    }

    private static Set<String> stringSet(AttributeValue value) {
        return value == null || !value.hasSs() ? Set.of() : Set.copyOf(new HashSet<>(value.ss()));
    }
}
