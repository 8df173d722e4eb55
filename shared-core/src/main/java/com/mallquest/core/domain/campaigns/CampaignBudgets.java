package com.mallquest.core.domain.campaigns;

import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.domain.earning.Earning;
import com.mallquest.core.domain.earning.EarningLine;
import com.mallquest.core.domain.earning.Purchase;
import com.mallquest.core.domain.ledger.CreditItems;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.mallquest.core.platform.dynamo.Attributes.n;
import static com.mallquest.core.platform.dynamo.Attributes.number;
import static com.mallquest.core.platform.dynamo.Attributes.s;

/**
 * The budget counters of a credit's campaign bonuses, written in the credit's one transaction
 * ({@link CreditItems}): for each campaign line with coins, its total ({@code ADD spent, remaining −bonus} on
 * condition that the campaign still runs and, when its total is limited, {@code remaining >= bonus}) and, when it
 * caps each shopper, the shopper's counter of the period ({@code ADD spent} on condition
 * {@code spent <= cap − bonus}). Both conditions are checked by DynamoDB on the stored counters, so no number of
 * concurrent receipts can pass a budget or a cap by a coin, and a credit that is replayed writes nothing again.
 *
 * <p>A failed condition refuses the credit with a {@link Shortfall} naming the room left (read from the counter as
 * the cancellation returns it: no extra round trip on the happy path); the caller earns the receipt again with that
 * room ({@link com.mallquest.core.domain.earning.EarningRules#earn}: the part that fits, or none) and credits again.
 *
 * <pre>{@code
 * Map<String, Long> room = budgets.initialRoom(campaigns);
 * Earning earning = EarningRules.earn(purchase, campaigns, zone, room);
 * try { ledger.credit(credit, budgets.counters(extras, purchase, earning, campaigns)); }
 * catch (CampaignBudgets.Shortfall s) { room.merge(s.campaignId(), s.room(), Math::min); }   // and earn again
 * }</pre>
 */
public final class CampaignBudgets {

    /** How long a shopper's day or week counter is kept after its period. */
    static final int COUNTER_DAYS_KEPT = 35;

    private final DynamoDbClient dynamo;
    private final String table;
    private final ZoneId mallZone;

    public CampaignBudgets(DynamoDbClient dynamo, String campaignsTable, ZoneId mallZone) {
        this.dynamo = dynamo;
        this.table = campaignsTable;
        this.mallZone = mallZone;
    }

    /** A credit refused because a campaign's budget (or the shopper's cap) had less room than its bonus. */
    public static final class Shortfall extends RuntimeException {
        private final String campaignId;
        private final long room;

        Shortfall(String campaignId, long room) {
            super("campaign " + campaignId + " has room for " + room + " coins", null, false, false);
            this.campaignId = campaignId;
            this.room = Math.max(0, room);
        }

        public String campaignId() { return campaignId; }

        /** The coins the campaign may still give this receipt (0: none; also when it no longer runs). */
        public long room() { return room; }
    }

    /** The room a receipt starts with: no campaign can give one receipt more than its total budget or its cap. */
    public Map<String, Long> initialRoom(List<Campaign> campaigns) {
        Map<String, Long> room = new HashMap<>();
        for (Campaign campaign : campaigns) {
            Long total = campaign.budget().totalCoins();
            Long cap = campaign.budget().perShopperCoins();
            if (total != null || cap != null) {
                room.put(campaign.campaignId(), Math.min(total == null ? Long.MAX_VALUE : total, cap == null ? Long.MAX_VALUE : cap));
            }
        }
        return room;
    }

    /** {@code extras} and the counters of each campaign line of {@code earning} that has coins. */
    public CreditItems counters(CreditItems extras, Purchase purchase, Earning earning, List<Campaign> campaigns) {
        CreditItems items = extras;
        for (EarningLine line : earning.bonuses()) {
            if (line.coins() <= 0) {
                continue;
            }
            Campaign campaign = campaigns.stream().filter(c -> c.campaignId().equals(line.source())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no campaign " + line.source() + " among those earned with"));
            items = items.with(total(campaign, line.coins()), old -> totalShortfall(campaign, old));
            Long cap = campaign.budget().perShopperCoins();
            if (cap != null) {
                String period = period(campaign, purchase);
                items = items.with(shopper(campaign, purchase, period, line.coins(), cap),
                        old -> shopperShortfall(campaign, purchase.userId(), period, cap, old));
            }
        }
        return items;
    }

    private TransactWriteItem total(Campaign campaign, long coins) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(CampaignItems.campaignKey(campaign.campaignId()))
                .updateExpression("ADD #spent :coins, #remaining :minus")
                .conditionExpression("#status IN (:scheduled, :active) AND (attribute_not_exists(#budget) OR #remaining >= :coins)")
                .expressionAttributeNames(Map.of("#spent", CampaignItems.SPENT, "#remaining", CampaignItems.REMAINING,
                        "#status", CampaignItems.STATUS, "#budget", CampaignItems.BUDGET))
                .expressionAttributeValues(Map.of(":coins", n(coins), ":minus", n(-coins),
                        ":scheduled", s(Campaign.Status.SCHEDULED.wireName()), ":active", s(Campaign.Status.ACTIVE.wireName())))
                .build()).build();
    }

    private TransactWriteItem shopper(Campaign campaign, Purchase purchase, String period, long coins, long cap) {
        Map<String, String> names = new HashMap<>(Map.of("#spent", CampaignItems.SPENT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":coins", n(coins), ":room", n(cap - coins)));
        String update = "ADD #spent :coins";
        Long expiresAt = expiresAt(campaign, purchase);
        if (expiresAt != null) {
            update += " SET #expires = if_not_exists(#expires, :expires)";
            names.put("#expires", CampaignItems.EXPIRES_AT);
            values.put(":expires", n(expiresAt));
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(CampaignItems.shopperKey(campaign.campaignId(), purchase.userId(), period))
                .updateExpression(update)
                .conditionExpression("attribute_not_exists(#spent) OR #spent <= :room")
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    private Shortfall totalShortfall(Campaign campaign, Map<String, AttributeValue> old) {
        Map<String, AttributeValue> item = old.isEmpty() ? read(CampaignItems.campaignKey(campaign.campaignId())) : old;
        if (item.isEmpty() || !CampaignItems.runs(item)) {
            return new Shortfall(campaign.campaignId(), 0);
        }
        return new Shortfall(campaign.campaignId(), item.containsKey(CampaignItems.BUDGET) ? number(item, CampaignItems.REMAINING) : Long.MAX_VALUE);
    }

    private Shortfall shopperShortfall(Campaign campaign, String userId, String period, long cap, Map<String, AttributeValue> old) {
        Map<String, AttributeValue> item = old.isEmpty() ? read(CampaignItems.shopperKey(campaign.campaignId(), userId, period)) : old;
        return new Shortfall(campaign.campaignId(), cap - number(item, CampaignItems.SPENT));
    }

    /** The counter as stored (a strongly consistent read): only when a cancellation did not return it. */
    private Map<String, AttributeValue> read(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(GetItemRequest.builder().tableName(table).key(key).consistentRead(true).build());
        return response.hasItem() ? response.item() : Map.of();
    }

    /** The shopper cap's period of a purchase, in the mall's zone: {@code all}, {@code 2026-11-28} or {@code 2026-W48}. */
    public String period(Campaign campaign, Purchase purchase) {
        LocalDate day = purchase.purchasedAt().atZone(mallZone).toLocalDate();
        return switch (campaign.budget().perShopperPeriod()) {
            case CAMPAIGN -> "all";
            case DAY -> day.toString();
            case WEEK -> String.format("%d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        };
    }

    /** When a day or week counter may go (epoch seconds); null for a whole-campaign counter. */
    private Long expiresAt(Campaign campaign, Purchase purchase) {
        LocalDate day = purchase.purchasedAt().atZone(mallZone).toLocalDate();
        LocalDate last = switch (campaign.budget().perShopperPeriod()) {
            case CAMPAIGN -> null;
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.nextOrSame(DayOfWeek.SUNDAY));
        };
        return last == null ? null : last.plusDays(COUNTER_DAYS_KEPT).atStartOfDay(mallZone).toEpochSecond();
    }
}
