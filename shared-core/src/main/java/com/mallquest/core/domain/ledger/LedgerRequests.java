package com.mallquest.core.domain.ledger;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static com.mallquest.core.domain.ledger.UserItems.COINS;
import static com.mallquest.core.domain.ledger.UserItems.CREATED_AT;
import static com.mallquest.core.domain.ledger.UserItems.LEVEL;
import static com.mallquest.core.domain.ledger.UserItems.PK;
import static com.mallquest.core.domain.ledger.UserItems.RECEIPTS;
import static com.mallquest.core.domain.ledger.UserItems.SK;
import static com.mallquest.core.domain.ledger.UserItems.UPDATED_AT;
import static com.mallquest.core.domain.ledger.UserItems.USER_ID;
import static com.mallquest.core.domain.ledger.UserItems.VERSION;
import static com.mallquest.core.domain.ledger.UserItems.XP;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * The DynamoDB requests of the {@link Ledger} over the {@link UserItems} layout: the items of a credit's one
 * transaction and under which condition each is written. The ledger decides what a failed condition means.
 */
final class LedgerRequests {

    private final String table;

    LedgerRequests(String usersTable) {
        this.table = usersTable;
    }

    GetItemRequest consistentGet(Map<String, AttributeValue> key) {
        return GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build();
    }

    /** The credit record {@code APPLIED} with the result a replay returns, unless the credit id was used before. */
    TransactWriteItem recordApplied(Credit credit, Instant at, int levelBefore, Account after) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(UserItems.appliedCredit(credit, at, levelBefore, after))
                .conditionExpression("attribute_not_exists(" + PK + ")").build()).build();
    }

    /** The credit record {@code REJECTED} (a refused debit keeps its answer), unless the credit id was used before. */
    TransactWriteItem recordRejected(Credit credit, Instant at) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(UserItems.rejectedCredit(credit, at))
                .conditionExpression("attribute_not_exists(" + PK + ")").build()).build();
    }

    /**
     * Adds the amounts to the profile, sets its level and its version to {@code read + 1}, on condition that the
     * profile is still at the version {@code before} was read at (0: no profile or none written by a credit yet). Every
     * credit raises the version, so a concurrent credit's change is never lost: this one is cancelled and retried.
     */
    TransactWriteItem applyToProfile(Credit credit, Account before, int levelAfter, Instant now) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":coins", n(credit.coinsDelta()));
        values.put(":xp", n(credit.xpDelta()));
        values.put(":receipts", n(credit.kind() == CreditKind.RECEIPT ? 1 : 0));
        values.put(":level", n(levelAfter));
        values.put(":read", n(before.version()));
        values.put(":next", n(before.version() + 1));
        values.put(":uid", s(credit.userId()));
        values.put(":now", s(now.toString()));
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(UserItems.profileKey(credit.userId()))
                .updateExpression("SET #userId = :uid, #createdAt = if_not_exists(#createdAt, :now), #updatedAt = :now, "
                        + "#level = :level, #version = :next ADD #coins :coins, #xp :xp, #receipts :receipts")
                .conditionExpression(before.version() == 0 ? "attribute_not_exists(#version) OR #version = :read" : "#version = :read")
                .expressionAttributeNames(Map.of("#coins", COINS, "#xp", XP, "#version", VERSION, "#receipts", RECEIPTS,
                        "#level", LEVEL, "#userId", USER_ID, "#createdAt", CREATED_AT, "#updatedAt", UPDATED_AT))
                .expressionAttributeValues(values)
                .build()).build();
    }

    /** The profile is still at the version {@code before} was read at (what a refusal was decided on). */
    TransactWriteItem profileUnchanged(String userId, Account before) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(UserItems.profileKey(userId))
                .conditionExpression(before.version() == 0 ? "attribute_not_exists(#version) OR #version = :read" : "#version = :read")
                .expressionAttributeNames(Map.of("#version", VERSION))
                .expressionAttributeValues(Map.of(":read", n(before.version())))
                .build()).build();
    }

    /** The activity entry of a credit. */
    TransactWriteItem recordActivity(Credit credit, Instant at) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(UserItems.activity(credit, at)).build()).build();
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
                .expressionAttributeValues(Map.of(":pk", s(UserItems.userPk(userId)), ":act", s(UserItems.ACTIVITY_PREFIX)))
                .scanIndexForward(false)
                .consistentRead(true)
                .limit(limit);
        if (startSk != null) {
            query.exclusiveStartKey(UserItems.activityKey(userId, startSk));
        }
        return query.build();
    }
}
