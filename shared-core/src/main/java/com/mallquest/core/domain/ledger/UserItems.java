package com.mallquest.core.domain.ledger;

import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.earning.EarningLine;
import com.mallquest.core.domain.earning.EarningRules;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static com.mallquest.core.platform.dynamo.Attributes.instant;
import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.number;
import static com.mallquest.core.platform.dynamo.Attributes.s;
import static com.mallquest.core.platform.dynamo.Attributes.string;
import static com.mallquest.core.platform.dynamo.Attributes.stringMap;

/**
 * The Users table's item layout ({@code USERS_TABLE}), spelled once: every key and attribute name of the
 * items below, how they are built and how they are read. Everyone who touches the table (the ledger, the
 * user views, cleanup, admin) goes through here.
 *
 * <p>One partition per user, {@code pk=USER#<userId>}, holding:
 * <ul>
 *   <li>the <b>profile</b> {@code sk=PROFILE}: {@code coins, xp, level, receiptsCredited, version,
 *       userId, createdAt, updatedAt};</li>
 *   <li>one <b>credit record</b> per credit {@code sk=CREDIT#<creditId>}, written with the credit in one
 *       transaction: the credit ({@code userId, creditId, kind, coins, xp, details, earnedBy?, at}), its {@code state}
 *       ({@value #APPLIED} or {@value #REJECTED}), and when applied the result a replay returns
 *       ({@code levelBefore, coinsAfter, xpAfter, receiptsAfter, versionAfter, createdAfter, updatedAfter});</li>
 *   <li>one <b>activity entry</b> per applied credit {@code sk=ACT#<time>#<creditId>} (the credit's own
 *       attributes), newest last in key order;</li>
 *   <li>the <b>gamification</b> item {@code sk=GAMIFICATION} ({@code gamification/PlayerRecords} spells it);</li>
 *   <li>one <b>period total</b> per leaderboard period the user earned points in, {@code sk=TOTAL#<period>#<label>}
 *       ({@code TOTAL#week#2026-W49}, {@code TOTAL#month#2026-12}, {@code TOTAL#all}), written with each credit
 *       ({@code gamification/PeriodTotals} spells its attributes); only it carries {@value #TOTALS_SHARD}, the hash
 *       key of the sparse GSI {@value #TOTALS_INDEX}.</li>
 * </ul>
 */
public final class UserItems {

    public static final String PK = "pk";
    public static final String SK = "sk";
    static final String USER_PREFIX = "USER#";
    static final String PROFILE_SK = "PROFILE";
    static final String CREDIT_PREFIX = "CREDIT#";
    static final String ACTIVITY_PREFIX = "ACT#";
    static final String GAMIFICATION_SK = "GAMIFICATION";
    static final String TOTALS_PREFIX = "TOTAL#";

    /**
     * The sparse GSI over the period totals: hash key {@value #TOTALS_SHARD} ({@code <period>#<label>#<shard>}),
     * range key {@value #USER_ID}; projection ALL.
     */
    public static final String TOTALS_INDEX = "totals-index";
    /** The totals GSI's hash key attribute, only on period-total items. */
    public static final String TOTALS_SHARD = "periodShard";

    // profile attributes
    public static final String VERSION = "version";
    static final String COINS = "coins";
    static final String XP = "xp";
    static final String LEVEL = "level";
    static final String RECEIPTS = "receiptsCredited";
    public static final String USER_ID = "userId";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";

    // credit record and activity attributes (the credit's amounts are COINS and XP)
    static final String CREDIT_ID = "creditId";
    static final String KIND = "kind";
    static final String DETAILS = "details";
    /** A receipt's lines: a list of maps {@code source, label, coins, xp} (absent on other credits). */
    static final String EARNED_BY = "earnedBy";
    static final String AT = "at";
    static final String STATE = "state";
    static final String LEVEL_BEFORE = "levelBefore";
    static final String COINS_AFTER = "coinsAfter";
    static final String XP_AFTER = "xpAfter";
    static final String RECEIPTS_AFTER = "receiptsAfter";
    static final String VERSION_AFTER = "versionAfter";
    static final String CREATED_AFTER = "createdAfter";
    static final String UPDATED_AFTER = "updatedAfter";

    // credit record states
    static final String APPLIED = "APPLIED";
    static final String REJECTED = "REJECTED";

    /** Fixed-width UTC time so that activity keys sort chronologically. */
    private static final DateTimeFormatter SORTABLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Exactly the sort keys {@link #activitySk} makes (all ASCII: at most 229 bytes, far below DynamoDB's 1024). */
    private static final Pattern ACTIVITY_SK = Pattern.compile(
            "ACT#\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z#" + Credit.CREDIT_ID_RULE);

    private UserItems() { }

    // ---- keys -------------------------------------------------------------------------------------------

    /** The partition of a user. */
    public static String userPk(String userId) {
        return USER_PREFIX + userId;
    }

    /** The key of the user's profile (balance) item. */
    public static Map<String, AttributeValue> profileKey(String userId) {
        return Map.of(PK, s(userPk(userId)), SK, s(PROFILE_SK));
    }

    /**
     * The key of the user's gamification item ({@code sk=GAMIFICATION}: badges, visit weeks, leaderboard
     * choices); its attributes are spelled by {@code gamification/PlayerRecords}, which alone reads and writes it.
     */
    public static Map<String, AttributeValue> gamificationKey(String userId) {
        return Map.of(PK, s(userPk(userId)), SK, s(GAMIFICATION_SK));
    }

    /**
     * The key of the user's total of one leaderboard period ({@code sk=TOTAL#<period>#<label>}); its attributes are
     * spelled by {@code gamification/PeriodTotals}, which alone reads and writes it.
     */
    public static Map<String, AttributeValue> totalsKey(String userId, String period, String label) {
        return Map.of(PK, s(userPk(userId)), SK, s(TOTALS_PREFIX + period + "#" + label));
    }

    /** The user id of an item's partition key ({@code USER#<id>}). */
    public static String userIdOf(Map<String, AttributeValue> item) {
        return string(item, PK).substring(USER_PREFIX.length());
    }

    static Map<String, AttributeValue> creditKey(Credit credit) {
        return Map.of(PK, s(userPk(credit.userId())), SK, s(CREDIT_PREFIX + credit.creditId()));
    }

    static String activitySk(Instant at, String creditId) {
        return ACTIVITY_PREFIX + SORTABLE_TIME.format(at) + "#" + creditId;
    }

    /** True when {@code sk} has exactly the shape of an activity entry's sort key. */
    static boolean isActivitySk(String sk) {
        return ACTIVITY_SK.matcher(sk).matches();
    }

    static Map<String, AttributeValue> activityKey(String userId, String activitySk) {
        return Map.of(PK, s(userPk(userId)), SK, s(activitySk));
    }

    // ---- items ------------------------------------------------------------------------------------------

    /** The record of an applied credit with the result a replay returns ({@link #replayedResult}). */
    static Map<String, AttributeValue> appliedCredit(Credit credit, Instant at, int levelBefore, Account after) {
        Map<String, AttributeValue> item = new HashMap<>(creditKey(credit));
        putCredit(item, credit, at);
        item.put(STATE, s(APPLIED));
        item.put(LEVEL_BEFORE, n(levelBefore));
        item.put(COINS_AFTER, n(after.coins()));
        item.put(XP_AFTER, n(after.xp()));
        item.put(RECEIPTS_AFTER, n(after.receiptsCredited()));
        item.put(VERSION_AFTER, n(after.version()));
        item.put(CREATED_AFTER, s(String.valueOf(after.createdAt())));
        item.put(UPDATED_AFTER, s(String.valueOf(after.updatedAt())));
        return item;
    }

    /** The record of a refused debit: the same credit id keeps that answer. */
    static Map<String, AttributeValue> rejectedCredit(Credit credit, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>(creditKey(credit));
        putCredit(item, credit, at);
        item.put(STATE, s(REJECTED));
        return item;
    }

    static Map<String, AttributeValue> activity(Credit credit, Instant at) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(userPk(credit.userId())));
        item.put(SK, s(activitySk(at, credit.creditId())));
        putCredit(item, credit, at);
        return item;
    }

    /** The credit's own attributes, shared by its credit record and its activity entry. */
    private static void putCredit(Map<String, AttributeValue> item, Credit credit, Instant at) {
        item.put(USER_ID, s(credit.userId()));
        item.put(CREDIT_ID, s(credit.creditId()));
        item.put(KIND, s(credit.kind().wireName()));
        item.put(COINS, n(credit.coinsDelta()));
        item.put(XP, n(credit.xpDelta()));
        item.put(DETAILS, com.mallquest.core.platform.dynamo.Attributes.stringMap(credit.details()));
        if (!credit.earnedBy().isEmpty()) {
            item.put(EARNED_BY, AttributeValue.fromL(credit.earnedBy().stream().map(line -> AttributeValue.fromM(Map.of(
                    "source", s(line.source()), "label", s(line.label()), "coins", n(line.coins()), "xp", n(line.xp()))))
                    .toList()));
        }
        item.put(AT, s(SORTABLE_TIME.format(at)));
    }

    // ---- readers ----------------------------------------------------------------------------------------

    static Account account(String userId, Map<String, AttributeValue> profile) {
        long xp = number(profile, XP);
        return new Account(userId, number(profile, COINS), xp, EarningRules.levelFor(xp), number(profile, RECEIPTS),
                number(profile, VERSION), instant(profile, CREATED_AT), instant(profile, UPDATED_AT));
    }

    static ActivityEntry activityEntry(Map<String, AttributeValue> item) {
        return new ActivityEntry(string(item, CREDIT_ID), CreditKind.fromWireName(string(item, KIND)),
                number(item, COINS), number(item, XP), Instant.parse(string(item, AT)), stringMap(item, DETAILS), earnedBy(item));
    }

    /** The credit a credit record (or activity entry) holds. */
    static Credit credit(String userId, Map<String, AttributeValue> record) {
        return new Credit(userId, string(record, CREDIT_ID), number(record, COINS), number(record, XP),
                CreditKind.fromWireName(string(record, KIND)), stringMap(record, DETAILS), earnedBy(record));
    }

    private static List<EarningLine> earnedBy(Map<String, AttributeValue> item) {
        AttributeValue list = item.get(EARNED_BY);
        List<EarningLine> lines = new ArrayList<>();
        if (list != null && list.hasL()) {
            for (AttributeValue line : list.l()) {
                lines.add(new EarningLine(string(line.m(), "source"), string(line.m(), "label"),
                        number(line.m(), "coins"), number(line.m(), "xp")));
            }
        }
        return lines;
    }

    static String state(Map<String, AttributeValue> record) {
        return string(record, STATE);
    }

    static Instant at(Map<String, AttributeValue> record) {
        return Instant.parse(string(record, AT));
    }

    /** The result recorded on an {@code APPLIED} credit record. */
    static CreditResult replayedResult(String userId, Map<String, AttributeValue> record) {
        long xpAfter = number(record, XP_AFTER);
        Account after = new Account(userId, number(record, COINS_AFTER), xpAfter, EarningRules.levelFor(xpAfter),
                number(record, RECEIPTS_AFTER), number(record, VERSION_AFTER), instant(record, CREATED_AFTER),
                instant(record, UPDATED_AFTER));
        return new CreditResult(false, credit(userId, record), at(record), after,
                (int) number(record, LEVEL_BEFORE), after.level());
    }

    /** A credit id reused with other amounts or another kind is a caller bug, never silently applied. */
    static void requireSameAmounts(Credit credit, Map<String, AttributeValue> record) {
        if (number(record, COINS) != credit.coinsDelta() || number(record, XP) != credit.xpDelta()
                || !credit.kind().wireName().equals(string(record, KIND))) {
            throw DomainException.conflict("credit_mismatch",
                    "Credit " + credit.creditId() + " was already recorded with different amounts");
        }
    }
}
