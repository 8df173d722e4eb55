package com.mallquest.core.ledger;

import com.mallquest.core.http.ApiException;
import com.mallquest.core.rewards.RewardRules;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/** The Users-table item layout of the ledger: keys, item builders and readers. */
final class LedgerItems {

    static final String PROFILE_SK = "PROFILE";
    static final String CREDIT_PREFIX = "CREDIT#";
    static final String ACTIVITY_PREFIX = "ACT#";
    static final String PENDING = "PENDING";
    static final String APPLIED = "APPLIED";
    static final String REJECTED = "REJECTED";

    /** Fixed-width UTC time so that activity keys sort chronologically. */
    private static final DateTimeFormatter SORTABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private LedgerItems() { }

    static String userPk(String userId) {
        return "USER#" + userId;
    }

    static Map<String, AttributeValue> profileKey(String userId) {
        return Map.of("pk", s(userPk(userId)), "sk", s(PROFILE_SK));
    }

    static Map<String, AttributeValue> creditKey(Credit credit) {
        return Map.of("pk", s(userPk(credit.userId())), "sk", s(CREDIT_PREFIX + credit.creditId()));
    }

    static String activitySk(Instant at, String creditId) {
        return ACTIVITY_PREFIX + SORTABLE_TIME.format(at) + "#" + creditId;
    }

    static Map<String, AttributeValue> pendingCredit(Credit credit, Instant at, Instant leaseUntil) {
        Map<String, AttributeValue> item = new HashMap<>(creditKey(credit));
        putCredit(item, credit, at);
        item.put("state", s(PENDING));
        item.put("leaseUntil", n(leaseUntil.toEpochMilli()));
        return item;
    }

    static Map<String, AttributeValue> activity(Credit credit, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(userPk(credit.userId())));
        item.put("sk", s(activitySk(at, credit.creditId())));
        putCredit(item, credit, at);
        return item;
    }

    /** The credit's own attributes, shared by its pending marker and its activity entry. */
    private static void putCredit(Map<String, AttributeValue> item, Credit credit, Instant at) {
        item.put("userId", s(credit.userId()));
        item.put("creditId", s(credit.creditId()));
        item.put("kind", s(credit.kind().wireName()));
        item.put("coins", n(credit.coinsDelta()));
        item.put("xp", n(credit.xpDelta()));
        item.put("details", details(credit.details()));
        item.put("at", s(SORTABLE_TIME.format(at)));
    }

    static Account account(String userId, Map<String, AttributeValue> item) {
        long xp = num(item, "xp");
        return new Account(userId, num(item, "coins"), xp, RewardRules.levelFor(xp), num(item, "receiptsCredited"),
                num(item, "version"), time(item, "createdAt"), time(item, "updatedAt"));
    }

    static ActivityEntry activityEntry(Map<String, AttributeValue> item) {
        return new ActivityEntry(item.get("creditId").s(), CreditKind.fromWireName(item.get("kind").s()),
                num(item, "coins"), num(item, "xp"), Instant.parse(item.get("at").s()), readDetails(item));
    }

    /** The result recorded on an {@code APPLIED} credit record. */
    static CreditResult replayedResult(String userId, Map<String, AttributeValue> record) {
        Credit credit = new Credit(userId, record.get("creditId").s(), num(record, "coins"), num(record, "xp"),
                CreditKind.fromWireName(record.get("kind").s()), readDetails(record));
        long xpAfter = num(record, "xpAfter");
        Account after = new Account(userId, num(record, "coinsAfter"), xpAfter, RewardRules.levelFor(xpAfter),
                num(record, "receiptsAfter"), num(record, "versionAfter"), time(record, "createdAfter"),
                time(record, "updatedAfter"));
        return new CreditResult(false, credit, Instant.parse(record.get("at").s()), after,
                (int) num(record, "levelBefore"), after.level());
    }

    /** A credit id reused with other amounts or another kind is a caller bug, never silently applied. */
    static void requireSameAmounts(Credit credit, Map<String, AttributeValue> record) {
        if (num(record, "coins") != credit.coinsDelta() || num(record, "xp") != credit.xpDelta()
                || !credit.kind().wireName().equals(record.get("kind").s())) {
            throw ApiException.conflict("credit_mismatch",
                    "Credit " + credit.creditId() + " was already recorded with different amounts");
        }
    }

    static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    private static AttributeValue details(Map<String, String> details) {
        Map<String, AttributeValue> map = new HashMap<>();
        details.forEach((k, v) -> map.put(k, s(v)));
        return AttributeValue.builder().m(map).build();
    }

    private static Map<String, String> readDetails(Map<String, AttributeValue> item) {
        AttributeValue details = item.get("details");
        Map<String, String> out = new HashMap<>();
        if (details != null && details.hasM()) {
            details.m().forEach((k, v) -> out.put(k, v.s()));
        }
        return out;
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static Instant time(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null || v.s() == null || v.s().isEmpty() || "null".equals(v.s())) {
            return null;
        }
        return Instant.parse(v.s());
    }
}
