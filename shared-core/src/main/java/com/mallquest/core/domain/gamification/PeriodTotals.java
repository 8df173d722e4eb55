package com.mallquest.core.domain.gamification;

import com.mallquest.core.domain.ledger.ActivityEntry;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditItems;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.UserItems;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A shopper's leaderboard points per period, kept in DynamoDB by the credit itself, and the one place the attributes
 * of these Users-table items are spelled (key: {@link UserItems#totalsKey}, {@code sk=TOTAL#<period>#<label>}).
 *
 * <p><b>Written with the credit.</b> {@link #itemsFor} gives the ledger one update per period (week, month, all time)
 * for every credit that has leaderboard points ({@link Gamification#points}): {@code ADD xp} (the mall board) and
 * {@code ADD xp@<storeId>} (the store's board), {@code SET lastAt}, {@code lastAt@<storeId>} (epoch ms of the credit:
 * the tie-break tick). They ride in the credit's one transaction (no extra round trip), so a replay, cancelled on
 * the credit record, never adds twice, and a refund (negative XP) subtracts in its own credit.
 *
 * <p><b>Read once per shopper and period.</b> Each item carries {@value UserItems#TOTALS_SHARD} =
 * {@code <period>#<label>#<shard>} ({@code shard} = the user id's hash mod {@value #SHARDS}) and {@code userId}: the
 * keys of the sparse GSI {@value UserItems#TOTALS_INDEX}. A rebuild queries the {@value #SHARDS} shards of a period
 * in parallel, one item per shopper ({@link #page}). Week and month items expire with their boards ({@code expiresAt},
 * the table's TTL); the all-time item stays.
 */
public final class PeriodTotals {

    /** GSI partitions per period: writes of a period spread over them, and a rebuild reads them in parallel. */
    public static final int SHARDS = 16;

    static final String XP = "xp";
    static final String LAST_AT = "lastAt";
    /** A store's attributes: {@code xp@zara}, {@code lastAt@zara}. */
    private static final String STORE = "@";
    /** The Users table's TTL attribute (epoch seconds). */
    private static final String EXPIRES_AT = "expiresAt";

    /** One scope of a shopper's period: {@code points} reached by the credit at {@code lastAt}. */
    public record Scope(long points, Instant lastAt) { }

    /**
     * One shopper's totals of one period. {@code scopes}: {@code mall} and {@code store:<id>} (as
     * {@link Leaderboards}' board scopes) → points; {@code lastAt}: the time of the latest credit the item holds.
     */
    public record Totals(String userId, Instant lastAt, Map<String, Scope> scopes) { }

    /** A page of one shard; {@code after}: the user id to continue after, null when the shard is done. */
    public record Page(List<Totals> totals, String after) { }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Leaderboards.Retention retention;

    public PeriodTotals(DynamoDbClient dynamo, String usersTable, Leaderboards.Retention retention) {
        this.dynamo = dynamo;
        this.table = usersTable;
        this.retention = retention;
    }

    /**
     * The items of {@code credit}'s transaction: one unconditional update per period when it has leaderboard points,
     * none otherwise (the ledger's standing items: every credit, whoever calls).
     */
    public CreditItems itemsFor(Credit credit) {
        CreditItems items = CreditItems.none();
        if (!Gamification.countsOnBoards(credit.kind(), credit.xpDelta(), credit.details())) {
            return items;
        }
        for (Period period : EnumSet.allOf(Period.class)) {
            items = items.with(CreditItems.item(outcome -> update(credit, period, outcome), old ->
                    new IllegalStateException("a period total has no condition to fail")));
        }
        return items;
    }

    private TransactWriteItem update(Credit credit, Period period, CreditResult outcome) {
        Instant at = outcome.creditedAt();
        BoardPeriod board = BoardPeriod.containing(period, at);
        Map<String, String> names = new HashMap<>(Map.of("#user", UserItems.USER_ID, "#shard", UserItems.TOTALS_SHARD,
                "#xp", XP, "#at", LAST_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":user", AttributeValue.fromS(credit.userId()),
                ":shard", AttributeValue.fromS(shardKey(board, shardOf(credit.userId()))),
                ":xp", AttributeValue.fromN(Long.toString(credit.xpDelta())),
                ":at", AttributeValue.fromN(Long.toString(at.toEpochMilli()))));
        StringBuilder set = new StringBuilder("SET #user = :user, #shard = :shard, #at = :at");
        StringBuilder add = new StringBuilder(" ADD #xp :xp");
        String storeId = credit.details().get("storeId");
        if (storeId != null) {
            names.put("#sxp", XP + STORE + storeId);
            names.put("#sat", LAST_AT + STORE + storeId);
            set.append(", #sat = :at");
            add.append(", #sxp :xp");
        }
        if (board.end() != null) {
            names.put("#exp", EXPIRES_AT);
            values.put(":exp", AttributeValue.fromN(Long.toString(retention.expireAt(board, at).getEpochSecond())));
            set.append(", #exp = :exp");
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(UserItems.totalsKey(credit.userId(), period.wireName(), board.label()))
                .updateExpression(set.toString() + add)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }

    /**
     * The totals items of every period kept at {@code now} that {@code entries} (a shopper's whole activity) reach, each
     * set (not added) to the sum of its credits, the latest credit's time kept: the backfill's writes
     * ({@link PeriodTotalsBackfill}), made in one transaction fenced on the account's version.
     */
    List<TransactWriteItem> fromHistory(String userId, List<ActivityEntry> entries, Instant now) {
        Map<BoardPeriod, Map<String, Scope>> sums = new LinkedHashMap<>();
        for (ActivityEntry e : entries) {
            Gamification.points(userId, e.creditId(), e.kind(), e.xp(), e.at(), e.details()).ifPresent(p -> {
                for (Period period : Period.values()) {
                    BoardPeriod board = BoardPeriod.containing(period, p.at());
                    if (retention.expired(board, now)) {
                        continue;
                    }
                    Map<String, Scope> scopes = sums.computeIfAbsent(board, b -> new LinkedHashMap<>());
                    List<String> names = p.storeId() == null ? List.of("mall") : List.of("mall", "store:" + p.storeId());
                    for (String scope : names) {
                        scopes.merge(scope, new Scope(p.points(), p.at()), (a, b) -> new Scope(a.points() + b.points(),
                                a.lastAt().isAfter(b.lastAt()) ? a.lastAt() : b.lastAt()));
                    }
                }
            });
        }
        List<TransactWriteItem> puts = new ArrayList<>();
        sums.forEach((board, scopes) -> {
            Map<String, AttributeValue> item = new HashMap<>(
                    UserItems.totalsKey(userId, board.period().wireName(), board.label()));
            item.put(UserItems.USER_ID, AttributeValue.fromS(userId));
            item.put(UserItems.TOTALS_SHARD, AttributeValue.fromS(shardKey(board, shardOf(userId))));
            scopes.forEach((scope, total) -> {
                String suffix = scope.equals("mall") ? "" : STORE + scope.substring("store:".length());
                item.put(XP + suffix, AttributeValue.fromN(Long.toString(total.points())));
                item.put(LAST_AT + suffix, AttributeValue.fromN(Long.toString(total.lastAt().toEpochMilli())));
            });
            if (board.end() != null) {
                item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(retention.expireAt(board, now).getEpochSecond())));
            }
            puts.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item).build()).build());
        });
        return puts;
    }

    /**
     * Up to {@code limit} shoppers' totals of {@code board} in {@code shard} (0..{@value #SHARDS}-1), in user-id order
     * after {@code after} (null: from the first). The GSI is eventually consistent: a credit of the last moment may
     * be missing (the next rebuild has it).
     */
    public Page page(BoardPeriod board, int shard, String after, int limit) {
        Map<String, String> names = new HashMap<>(Map.of("#shard", UserItems.TOTALS_SHARD));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":shard", AttributeValue.fromS(shardKey(board, shard))));
        String condition = "#shard = :shard";
        if (after != null) {
            names.put("#user", UserItems.USER_ID);
            values.put(":after", AttributeValue.fromS(after));
            condition += " AND #user > :after";
        }
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(UserItems.TOTALS_INDEX)
                .keyConditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .limit(limit)
                .build());
        List<Totals> totals = new ArrayList<>(response.items().size());
        response.items().forEach(item -> totals.add(totals(item)));
        boolean more = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty();
        return new Page(totals, more && !totals.isEmpty() ? totals.get(totals.size() - 1).userId() : null);
    }

    static Totals totals(Map<String, AttributeValue> item) {
        Map<String, Scope> scopes = new LinkedHashMap<>();
        scopes.put("mall", scope(item, XP, LAST_AT));
        item.keySet().stream().filter(name -> name.startsWith(XP + STORE)).sorted().forEach(name -> {
            String storeId = name.substring((XP + STORE).length());
            scopes.put("store:" + storeId, scope(item, name, LAST_AT + STORE + storeId));
        });
        return new Totals(item.get(UserItems.USER_ID).s(), scopes.get("mall").lastAt(), scopes);
    }

    private static Scope scope(Map<String, AttributeValue> item, String points, String lastAt) {
        return new Scope(Long.parseLong(item.get(points).n()), Instant.ofEpochMilli(Long.parseLong(item.get(lastAt).n())));
    }

    /** The shard of a shopper: stable (String's hash is specified), spread evenly over {@value #SHARDS}. */
    static int shardOf(String userId) {
        return Math.floorMod(userId.hashCode(), SHARDS);
    }

    private static String shardKey(BoardPeriod board, int shard) {
        return board.period().wireName() + "#" + board.label() + "#" + shard;
    }

    /** The periods a full rebuild covers at {@code now}: every week and month still kept, newest first, and all time. */
    List<BoardPeriod> kept(Instant now) {
        List<BoardPeriod> boards = new ArrayList<>();
        for (Period period : List.of(Period.WEEK, Period.MONTH)) {
            for (BoardPeriod board = BoardPeriod.containing(period, now); !retention.expired(board, now);
                 board = board.previous()) {
                boards.add(board);
            }
        }
        boards.sort(java.util.Comparator.comparing(BoardPeriod::period).thenComparing(BoardPeriod::start,
                java.util.Comparator.reverseOrder()));
        boards.add(BoardPeriod.containing(Period.ALL, now));
        return boards;
    }
}
