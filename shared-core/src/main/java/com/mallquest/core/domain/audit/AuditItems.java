package com.mallquest.core.domain.audit;

import com.mallquest.core.domain.ledger.CreditItems;
import com.mallquest.core.domain.ledger.CreditResult;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The Audit table's item layout, spelled once.
 *
 * <table>
 *   <caption>Audit table items and index</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@value #PK} (hash)</td><td>{@code DAY#<yyyy-mm-dd>} of {@code at}, UTC</td></tr>
 *   <tr><td>{@value #SK} (range)</td><td>{@code <at, ISO-8601 with milliseconds>#<entryId>}: time order in a day</td></tr>
 *   <tr><td>index {@value #BY_STORE}</td><td>{@value #STORE_ID} (hash, absent for mall-wide entries: a sparse index),
 *       {@value #SK} (range): one store's trail in time order across days</td></tr>
 * </table>
 * Attributes: {@code entryId, at, actorId, actorRole, action, storeId?, target, before?, after?, requestId}.
 *
 * <p>Why this key: the two questions asked are "what happened at this store" (a manager; an admin filtering by
 * store) and "what happened in the mall between two dates" (an admin). The first is one query of the store's
 * partition of the index over a time range; the second one query per day, newest first, each day a partition of its
 * own (staff actions are a few a minute, far below one partition's write limit, and a day's entries never grow
 * without bound). Filtering by actor is a filter on either. A per-store table key with a by-day index would answer
 * the same, but mall-wide entries (balance adjustments) would need a made-up store.
 *
 * <p>Entries are put with {@code attribute_not_exists}, in the same {@code TransactWriteItems} as the change they
 * record, and never updated or deleted (the template grants the functions PutItem and Query only).
 */
public final class AuditItems {
    private AuditItems() { }

    static final String PK = "pk";
    static final String SK = "sk";
    static final String STORE_ID = "storeId";
    static final String ACTOR_ID = "actorId";
    /** The sparse index of store entries: {@value #STORE_ID}, {@value #SK}. */
    static final String BY_STORE = "byStore";
    static final String DAY_PREFIX = "DAY#";

    static String day(LocalDate day) {
        return DAY_PREFIX + day;
    }

    static String day(Instant at) {
        return day(LocalDate.ofInstant(at, ZoneOffset.UTC));
    }

    /** The sort key of an entry: its time (fixed width, milliseconds) and id. */
    static String sk(Instant at, String entryId) {
        return time(at) + "#" + entryId;
    }

    /** An instant as the sort keys spell it: ISO-8601 UTC with exactly three fraction digits (they sort as text). */
    static String time(Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC).format(at);
    }

    static Map<String, AttributeValue> toItem(AuditEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(day(entry.at())));
        item.put(SK, s(sk(entry.at(), entry.entryId())));
        item.put("entryId", s(entry.entryId()));
        item.put("at", s(time(entry.at())));
        item.put(ACTOR_ID, s(entry.actorId()));
        item.put("actorRole", s(entry.actorRole()));
        item.put("action", s(entry.action().wire()));
        if (entry.storeId() != null) {
            item.put(STORE_ID, s(entry.storeId()));
        }
        item.put("target", s(entry.target()));
        if (entry.before() != null) {
            item.put("before", s(entry.before()));
        }
        if (entry.after() != null) {
            item.put("after", s(entry.after()));
        }
        item.put("requestId", s(entry.requestId()));
        return item;
    }

    static AuditEntry toEntry(Map<String, AttributeValue> item) {
        return new AuditEntry(item.get("entryId").s(), Instant.parse(item.get("at").s()), item.get(ACTOR_ID).s(),
                item.get("actorRole").s(), AuditAction.fromWire(item.get("action").s()), text(item, STORE_ID),
                item.get("target").s(), text(item, "before"), text(item, "after"), item.get("requestId").s());
    }

    /**
     * The put of {@code entry} into {@code table} as one item of the change's {@code TransactWriteItems}: it applies
     * with the change or not at all.
     */
    public static TransactWriteItem put(String table, AuditEntry entry) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(toItem(entry))
                .conditionExpression("attribute_not_exists(" + PK + ")").build()).build();
    }

    /**
     * The put of an entry as an extra item of a ledger credit ({@link CreditItems}): written in the credit's one
     * transaction, so it exists exactly when the credit applied (a replay writes nothing, a refusal nothing).
     *
     * @param entry the entry, built from the credit's outcome (the account after it)
     */
    public static CreditItems.Item creditItem(String table, Function<CreditResult, AuditEntry> entry) {
        return CreditItems.item(outcome -> put(table, entry.apply(outcome)), old -> new IllegalStateException(
                "an audit entry of this credit exists without the credit: " + old));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
