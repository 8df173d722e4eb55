package com.mallquest.core.domain.ledger;

import com.mallquest.core.platform.dynamo.Attributes;
import com.mallquest.core.platform.dynamo.PageCursor;
import com.mallquest.core.platform.errors.DomainException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads every user's activity entries, a bounded page at a time, in table order (a {@code Scan} of the Users
 * table filtered to {@code ACT#} items): for jobs that recompute something from the ledger, such as the
 * leaderboard rebuild. A page of {@code maxItems} scanned items may hold fewer entries (profiles and other items
 * are scanned too) or none; {@link Page#cursor()} is null once the table is done.
 */
public final class ActivityScanner {

    /** One activity entry and whose it is. */
    public record Scanned(String userId, ActivityEntry entry) { }

    /**
     * @param scanned items read (the bound), {@code cursor} where the next page starts (null: table done)
     */
    public record Page(List<Scanned> entries, int scanned, String cursor) { }

    private final DynamoDbClient dynamo;
    private final String table;

    public ActivityScanner(DynamoDbClient dynamo, String usersTable) {
        this.dynamo = dynamo;
        this.table = usersTable;
    }

    /**
     * How many entries of {@code kind} {@code userId} has whose activity time lies in {@code month} (UTC): a
     * {@code Query} of that month's {@code ACT#} keys, counted by DynamoDB ({@code Select=COUNT}).
     */
    public long count(String userId, CreditKind kind, java.time.YearMonth month) {
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            var request = software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :month)")
                    .filterExpression("#kind = :kind")
                    .expressionAttributeNames(Map.of("#kind", "kind"))
                    .expressionAttributeValues(Map.of(":pk", Attributes.s(UserItems.userPk(userId)),
                            ":month", Attributes.s(UserItems.ACTIVITY_PREFIX + month), ":kind", Attributes.s(kind.wireName())))
                    .select(software.amazon.awssdk.services.dynamodb.model.Select.COUNT)
                    .consistentRead(true);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            var response = dynamo.query(request.build());
            count += response.count();
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    /** Every activity entry of {@code userId} (a {@code Query} of the user's {@code ACT#} keys, page after page). */
    public List<ActivityEntry> entriesOf(String userId) {
        return entries(userId, "begins_with(sk, :act)", Map.of(":act", Attributes.s(UserItems.ACTIVITY_PREFIX)));
    }

    /**
     * The activity entries of {@code userId} from {@code from} on (a strongly consistent {@code Query} of the user's
     * {@code ACT#} keys from that time): e.g. the credits of the last days.
     */
    public List<ActivityEntry> entriesSince(String userId, java.time.Instant from) {
        return entries(userId, "sk BETWEEN :from AND :to", Map.of(
                ":from", Attributes.s(UserItems.activitySk(from, "")),
                ":to", Attributes.s(UserItems.ACTIVITY_PREFIX + "~")));
    }

    private List<ActivityEntry> entries(String userId, String skCondition, Map<String, AttributeValue> skValues) {
        Map<String, AttributeValue> values = new java.util.HashMap<>(skValues);
        values.put(":pk", Attributes.s(UserItems.userPk(userId)));
        List<ActivityEntry> entries = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var request = software.amazon.awssdk.services.dynamodb.model.QueryRequest.builder()
                    .tableName(table)
                    .keyConditionExpression("pk = :pk AND " + skCondition)
                    .expressionAttributeValues(values)
                    .consistentRead(true);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            var response = dynamo.query(request.build());
            response.items().forEach(item -> entries.add(UserItems.activityEntry(item)));
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return entries;
    }

    /** Up to {@code maxItems} items from {@code cursor} (null: the start of the table). */
    public Page page(String cursor, int maxItems) {
        ScanRequest.Builder request = ScanRequest.builder()
                .tableName(table)
                .limit(maxItems)
                .filterExpression("begins_with(sk, :act)")
                .expressionAttributeValues(Map.of(":act", Attributes.s(UserItems.ACTIVITY_PREFIX)));
        if (cursor != null) {
            request.exclusiveStartKey(decode(cursor));
        }
        ScanResponse response = dynamo.scan(request.build());
        List<Scanned> entries = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            entries.add(new Scanned(item.get("userId").s(), UserItems.activityEntry(item)));
        }
        Map<String, AttributeValue> last = response.hasLastEvaluatedKey() ? response.lastEvaluatedKey() : Map.of();
        String next = last.isEmpty() ? null : encode(last);
        return new Page(List.copyOf(entries), response.scannedCount(), next);
    }

    /** A cursor is the scan's last key ({@code pk}, {@code sk}) in the one {@link PageCursor} codec. */
    private static String encode(Map<String, AttributeValue> key) {
        return PageCursor.encode(key.get(UserItems.PK).s(), key.get(UserItems.SK).s());
    }

    /** @throws IllegalArgumentException a cursor this scanner did not return */
    private static Map<String, AttributeValue> decode(String cursor) {
        List<String> parts;
        try {
            parts = PageCursor.decode(cursor, 2, p -> p.get(0).startsWith(UserItems.userPk("")));
        } catch (DomainException e) {
            throw new IllegalArgumentException("not a cursor this scanner returned", e);
        }
        return Map.of(UserItems.PK, Attributes.s(parts.get(0)), UserItems.SK, Attributes.s(parts.get(1)));
    }
}
