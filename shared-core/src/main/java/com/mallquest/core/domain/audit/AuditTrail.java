package com.mallquest.core.domain.audit;

import com.mallquest.core.domain.stores.Store;
import com.mallquest.core.platform.dynamo.PageCursor;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the audit trail ({@link AuditItems}), newest first: an admin reads the whole mall's or one store's, a store's
 * manager their own store's only; optionally one actor's, between two instants (default: the last 7 days; at most
 * {@value #MAX_DAYS} days at once). The entries are written by the services that make the changes, each in the
 * transaction of its change ({@link AuditItems#put}).
 *
 * <pre>{@code
 * AuditTrail.Page page = trail.page(caller, "zara", null, null, null, 50, null);
 * page.entries().forEach(e -> System.out.println(e.at() + " " + e.actorId() + " " + e.action().wire() + " " + e.target()));
 * }</pre>
 */
public final class AuditTrail {

    public static final int MAX_PAGE = 100;
    public static final int MAX_DAYS = 92;
    private static final Duration DEFAULT_SPAN = Duration.ofDays(7);
    /** What a cursor holds ({@link PageCursor}): the sort key of the last entry of its page. */
    private static final Pattern CURSOR = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#[^#]{1,300}");

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    /** One page; {@code nextCursor} null on the last one. */
    public record Page(List<AuditEntry> entries, String nextCursor) { }

    public AuditTrail(DynamoDbClient dynamo, String auditTable, Clock clock) {
        this.dynamo = dynamo;
        this.table = auditTable;
        this.clock = clock;
    }

    /**
     * The entries between {@code from} and {@code to} (inclusive; null: the last 7 days), newest first.
     *
     * @param storeId one store's entries; null: the mall's (an admin), or the manager's own store
     * @param actorId one actor's entries; null: everybody's
     * @throws DomainException 403 not an admin nor that store's manager; 400 {@code invalid_field} (from, to, storeId,
     *                         limit), {@code invalid_cursor}
     */
    public Page page(Caller caller, String storeId, String actorId, Instant from, Instant to, int limit, String cursor) {
        String store = storeId;
        if (!caller.isAdmin()) {
            store = storeId == null ? caller.staffStoreId() : storeId;
            if (store == null || !caller.mayManageStore(store)) {
                throw DomainException.forbidden("forbidden", "A store's manager reads their own store's audit trail only");
            }
        }
        if (store != null && !Store.ID.matcher(store).matches()) {
            throw DomainException.invalid("storeId", "storeId must be 1 to 40 lower-case letters, digits or '-'");
        }
        if (actorId != null && !Caller.isValidUserId(actorId)) {
            throw DomainException.invalid("actor", "actor must be a user id: " + Caller.USER_ID_RULE);
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw DomainException.invalid("limit", "limit must be between 1 and " + MAX_PAGE);
        }
        Instant end = to == null ? clock.instant() : to;
        Instant start = from == null ? end.minus(DEFAULT_SPAN) : from;
        if (start.isAfter(end)) {
            throw DomainException.invalid("from", "from must not be after to");
        }
        if (Duration.between(start, end).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw DomainException.invalid("from", "from and to may be at most " + MAX_DAYS + " days apart");
        }
        String after = decodeCursor(cursor);
        String low = AuditItems.time(start);
        String high = AuditItems.time(end) + "#\uffff";
        List<AuditEntry> entries = new ArrayList<>();
        if (store != null) {
            collect(entries, limit, byStore(store, low, high, actorId), after == null ? null
                    : Map.of(AuditItems.STORE_ID, AuditItems.s(store), AuditItems.SK, AuditItems.s(after),
                    AuditItems.PK, AuditItems.s(AuditItems.DAY_PREFIX + after.substring(0, 10))));
        } else {
            LocalDate first = LocalDate.ofInstant(start, ZoneOffset.UTC);
            LocalDate day = after == null ? LocalDate.ofInstant(end, ZoneOffset.UTC) : LocalDate.parse(after.substring(0, 10));
            boolean resume = after != null;
            for (; !day.isBefore(first) && entries.size() < limit; day = day.minusDays(1)) {
                collect(entries, limit, byDay(day, low, high, actorId), resume
                        ? Map.of(AuditItems.PK, AuditItems.s(AuditItems.day(day)), AuditItems.SK, AuditItems.s(after)) : null);
                resume = false;
            }
        }
        AuditEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        String next = entries.size() < limit ? null : PageCursor.encode(AuditItems.sk(last.at(), last.entryId()));
        return new Page(List.copyOf(entries), next);
    }

    private QueryRequest.Builder byStore(String store, String low, String high, String actorId) {
        Map<String, String> names = new HashMap<>(Map.of("#store", AuditItems.STORE_ID, "#sk", AuditItems.SK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":store", AuditItems.s(store), ":low", AuditItems.s(low),
                ":high", AuditItems.s(high)));
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(AuditItems.BY_STORE)
                .keyConditionExpression("#store = :store AND #sk BETWEEN :low AND :high");
        return withActor(query, names, values, actorId);
    }

    private QueryRequest.Builder byDay(LocalDate day, String low, String high, String actorId) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", AuditItems.PK, "#sk", AuditItems.SK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":day", AuditItems.s(AuditItems.day(day)),
                ":low", AuditItems.s(low), ":high", AuditItems.s(high)));
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#pk = :day AND #sk BETWEEN :low AND :high");
        return withActor(query, names, values, actorId);
    }

    private static QueryRequest.Builder withActor(QueryRequest.Builder query, Map<String, String> names,
                                                  Map<String, AttributeValue> values, String actorId) {
        if (actorId != null) {
            names.put("#actor", AuditItems.ACTOR_ID);
            values.put(":actor", AuditItems.s(actorId));
            query.filterExpression("#actor = :actor");
        }
        return query.expressionAttributeNames(names).expressionAttributeValues(values).scanIndexForward(false);
    }

    /** Adds the query's entries (from {@code start}, exclusive) until {@code entries} holds {@code limit}. */
    private void collect(List<AuditEntry> entries, int limit, QueryRequest.Builder query, Map<String, AttributeValue> start) {
        Map<String, AttributeValue> from = start;
        do {
            if (from != null) {
                query.exclusiveStartKey(from);
            }
            QueryResponse response = dynamo.query(query.limit(limit - entries.size()).build());
            for (Map<String, AttributeValue> item : response.items()) {
                entries.add(AuditItems.toEntry(item));
            }
            from = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (from != null && entries.size() < limit);
    }

    /** The sort key a page's cursor ends at; null for the first page. */
    private static String decodeCursor(String cursor) {
        List<String> parts = PageCursor.decode(cursor, 1, p -> CURSOR.matcher(p.get(0)).matches());
        return parts == null ? null : parts.get(0);
    }
}
