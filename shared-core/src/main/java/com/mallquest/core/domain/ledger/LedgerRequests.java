package com.mallquest.core.domain.ledger;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static com.mallquest.core.domain.ledger.UsersTable.APPLIED;
import static com.mallquest.core.domain.ledger.UsersTable.COINS;
import static com.mallquest.core.domain.ledger.UsersTable.COINS_AFTER;
import static com.mallquest.core.domain.ledger.UsersTable.CREATED_AFTER;
import static com.mallquest.core.domain.ledger.UsersTable.CREATED_AT;
import static com.mallquest.core.domain.ledger.UsersTable.IN_FLIGHT;
import static com.mallquest.core.domain.ledger.UsersTable.LEASE_UNTIL;
import static com.mallquest.core.domain.ledger.UsersTable.LEVEL;
import static com.mallquest.core.domain.ledger.UsersTable.LEVEL_BEFORE;
import static com.mallquest.core.domain.ledger.UsersTable.PENDING;
import static com.mallquest.core.domain.ledger.UsersTable.PENDING_SINCE;
import static com.mallquest.core.domain.ledger.UsersTable.PENDING_USER;
import static com.mallquest.core.domain.ledger.UsersTable.PK;
import static com.mallquest.core.domain.ledger.UsersTable.RECEIPTS;
import static com.mallquest.core.domain.ledger.UsersTable.RECEIPTS_AFTER;
import static com.mallquest.core.domain.ledger.UsersTable.REJECTED;
import static com.mallquest.core.domain.ledger.UsersTable.SK;
import static com.mallquest.core.domain.ledger.UsersTable.STATE;
import static com.mallquest.core.domain.ledger.UsersTable.UPDATED_AFTER;
import static com.mallquest.core.domain.ledger.UsersTable.UPDATED_AT;
import static com.mallquest.core.domain.ledger.UsersTable.USER_ID;
import static com.mallquest.core.domain.ledger.UsersTable.VERSION;
import static com.mallquest.core.domain.ledger.UsersTable.VERSION_AFTER;
import static com.mallquest.core.domain.ledger.UsersTable.XP;
import static com.mallquest.core.domain.ledger.UsersTable.XP_AFTER;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;
import static com.mallquest.core.platform.dynamo.Attributes.ss;

/**
 * The DynamoDB requests of the {@link Ledger}'s steps, over the {@link UsersTable} layout: what each step
 * writes and under which condition. The ledger decides the order and what a failed condition means.
 */
final class LedgerRequests {

    private final String table;

    LedgerRequests(String usersTable) {
        this.table = usersTable;
    }

    GetItemRequest consistentGet(Map<String, AttributeValue> key) {
        return GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build();
    }

    /** Claim: creates the credit record {@code PENDING} with this attempt's lease, unless it exists. */
    PutItemRequest claim(Credit credit, Instant at, Instant leaseUntil) {
        return PutItemRequest.builder()
                .tableName(table)
                .item(UsersTable.pendingCredit(credit, at, leaseUntil))
                .conditionExpression("attribute_not_exists(" + PK + ")")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /** Takes over a pending credit whose lease {@code expiredLease} ran out (compare-and-set on the lease). */
    UpdateItemRequest takeOver(Credit credit, long expiredLease, Instant newLeaseUntil) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(UsersTable.creditKey(credit))
                .updateExpression("SET #lease = :lease")
                .conditionExpression("#state = :pending AND #lease = :old")
                .expressionAttributeNames(Map.of("#state", STATE, "#lease", LEASE_UNTIL))
                .expressionAttributeValues(Map.of(":lease", n(newLeaseUntil.toEpochMilli()),
                        ":pending", s(PENDING), ":old", n(expiredLease)))
                .build();
    }

    /**
     * Apply: adds the amounts to the profile, sets its level and adds the credit id to {@code inFlight}, on
     * condition that the profile is still at {@code readVersion} (0: no profile yet) and the id is not in
     * flight; a negative amount also needs the balance to cover it (except a receipt refund,
     * {@link CreditKind#mayOverdraw}). The version condition is the fence:
     * every applied credit raises the version, so a copy of this request that arrives late (an SDK attempt
     * that stalled on the wire, an attempt that outlived its lease) can never apply once anything applied.
     * Returns the profile after (or, when the condition fails, the profile as it was).
     */
    UpdateItemRequest addToProfile(Credit credit, long readVersion, int levelAfter, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#inFlight", IN_FLIGHT, "#coins", COINS, "#xp", XP,
                "#version", VERSION, "#receipts", RECEIPTS, "#level", LEVEL,
                "#userId", USER_ID, "#createdAt", CREATED_AT, "#updatedAt", UPDATED_AT));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":cid", s(credit.creditId()));
        values.put(":ids", ss(credit.creditId()));
        values.put(":coins", n(credit.coinsDelta()));
        values.put(":xp", n(credit.xpDelta()));
        values.put(":one", n(1));
        values.put(":level", n(levelAfter));
        values.put(":read", n(readVersion));
        values.put(":receipts", n(credit.kind() == CreditKind.RECEIPT ? 1 : 0));
        values.put(":uid", s(credit.userId()));
        values.put(":now", s(now.toString()));
        StringBuilder condition = new StringBuilder(readVersion == 0
                ? "(attribute_not_exists(#version) OR #version = :read)" : "#version = :read");
        condition.append(" AND NOT contains(#inFlight, :cid)");
        if (credit.coinsDelta() < 0 && !credit.kind().mayOverdraw()) {
            condition.append(" AND #coins >= :needCoins");
            values.put(":needCoins", n(-credit.coinsDelta()));
        }
        if (credit.xpDelta() < 0 && !credit.kind().mayOverdraw()) {
            condition.append(" AND #xp >= :needXp");
            values.put(":needXp", n(-credit.xpDelta()));
        }
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(UsersTable.profileKey(credit.userId()))
                .updateExpression("SET #userId = :uid, #createdAt = if_not_exists(#createdAt, :now), #updatedAt = :now, "
                        + "#level = :level "
                        + "ADD #coins :coins, #xp :xp, #version :one, #receipts :receipts, #inFlight :ids")
                .conditionExpression(condition.toString())
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    /**
     * Gives up this attempt's lease (it failed on a known error): the next attempt may take over at once.
     * Only while the record is pending under this very lease.
     */
    UpdateItemRequest releaseLease(Credit credit, long ownLease, Instant now) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(UsersTable.creditKey(credit))
                .updateExpression("SET #lease = :now")
                .conditionExpression("#state = :pending AND #lease = :own")
                .expressionAttributeNames(Map.of("#state", STATE, "#lease", LEASE_UNTIL))
                .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli()), ":pending", s(PENDING),
                        ":own", n(ownLease)))
                .build();
    }

    /** Record: the activity entry, a put of a fixed key and content (safe to repeat). */
    PutItemRequest recordActivity(Credit credit, Instant at) {
        return PutItemRequest.builder().tableName(table).item(UsersTable.activity(credit, at)).build();
    }

    /** Settle, first half: the credit record says {@code APPLIED} and keeps the result a replay returns. */
    UpdateItemRequest markApplied(Credit credit, int levelBefore, Account after) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(UsersTable.creditKey(credit))
                .updateExpression("SET #state = :applied, #lb = :lb, #c = :c, #x = :x, #r = :r, #v = :v, "
                        + "#ca = :ca, #ua = :ua REMOVE #lease, #pu, #ps")
                .expressionAttributeNames(Map.ofEntries(Map.entry("#state", STATE), Map.entry("#lb", LEVEL_BEFORE),
                        Map.entry("#c", COINS_AFTER), Map.entry("#x", XP_AFTER), Map.entry("#r", RECEIPTS_AFTER),
                        Map.entry("#v", VERSION_AFTER), Map.entry("#ca", CREATED_AFTER), Map.entry("#ua", UPDATED_AFTER),
                        Map.entry("#lease", LEASE_UNTIL), Map.entry("#pu", PENDING_USER), Map.entry("#ps", PENDING_SINCE)))
                .expressionAttributeValues(Map.of(":applied", s(APPLIED), ":lb", n(levelBefore),
                        ":c", n(after.coins()), ":x", n(after.xp()), ":r", n(after.receiptsCredited()),
                        ":v", n(after.version()), ":ca", s(String.valueOf(after.createdAt())),
                        ":ua", s(String.valueOf(after.updatedAt()))))
                .build();
    }

    /** Settle, second half: the profile no longer needs to remember the credit (only if a profile exists). */
    UpdateItemRequest removeFromInFlight(Credit credit) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(UsersTable.profileKey(credit.userId()))
                .updateExpression("DELETE #inFlight :ids")
                .conditionExpression("attribute_exists(" + PK + ")")
                .expressionAttributeNames(Map.of("#inFlight", IN_FLIGHT))
                .expressionAttributeValues(Map.of(":ids", ss(credit.creditId())))
                .build();
    }

    /** A refused credit: its record says {@code REJECTED} for good (only by the attempt holding its lease). */
    UpdateItemRequest markRejected(Credit credit, long ownLease) {
        return UpdateItemRequest.builder()
                .tableName(table)
                .key(UsersTable.creditKey(credit))
                .updateExpression("SET #state = :rejected REMOVE #lease, #pu, #ps")
                .conditionExpression("#state = :pending AND #lease = :own")
                .expressionAttributeNames(Map.of("#state", STATE, "#lease", LEASE_UNTIL, "#pu", PENDING_USER,
                        "#ps", PENDING_SINCE))
                .expressionAttributeValues(Map.of(":rejected", s(REJECTED), ":pending", s(PENDING), ":own", n(ownLease)))
                .build();
    }

    /** A page of every user's unfinished credits (the sparse {@value UsersTable#PENDING_INDEX}). */
    ScanRequest pendingCredits(int limit, Map<String, AttributeValue> startKey) {
        ScanRequest.Builder scan = ScanRequest.builder().tableName(table).indexName(UsersTable.PENDING_INDEX).limit(limit);
        if (startKey != null) {
            scan.exclusiveStartKey(startKey);
        }
        return scan.build();
    }

    /** Up to {@code limit} of one user's unfinished credits, oldest first. */
    QueryRequest pendingCreditsOf(String userId, int limit) {
        return QueryRequest.builder()
                .tableName(table)
                .indexName(UsersTable.PENDING_INDEX)
                .keyConditionExpression("#pu = :user")
                .expressionAttributeNames(Map.of("#pu", PENDING_USER))
                .expressionAttributeValues(Map.of(":user", s(userId)))
                .limit(limit)
                .build();
    }

    /**
     * A page of the user's activity entries, newest first, after {@code startSk} when given. Strongly
     * consistent: the user view caches what it reads here, and an eventually consistent page could miss
     * the newest entry for the whole cache TTL.
     */
    QueryRequest activityPage(String userId, int limit, String startSk) {
        QueryRequest.Builder query = QueryRequest.builder()
                .tableName(table)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :act)")
                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":pk", s(UsersTable.userPk(userId)), ":act", s(UsersTable.ACTIVITY_PREFIX)))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        if (startSk != null) {
            query.exclusiveStartKey(UsersTable.activityKey(userId, startSk));
        }
        return query.build();
    }
}
