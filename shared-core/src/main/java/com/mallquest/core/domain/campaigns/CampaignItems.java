package com.mallquest.core.domain.campaigns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.platform.json.Json;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Map;

import static com.mallquest.core.platform.dynamo.Attributes.number;
import static com.mallquest.core.platform.dynamo.Attributes.s;
import static com.mallquest.core.platform.dynamo.Attributes.string;

/**
 * The Campaigns table's item layout, spelled once. Hash key {@value #PK}, range key {@value #SK}:
 *
 * <table>
 *   <caption>Campaigns table items</caption>
 *   <tr><th>item</th><th>{@value #PK}</th><th>{@value #SK}</th><th>attributes</th></tr>
 *   <tr><td>a campaign and its total spend</td><td>{@value #CAMPAIGNS}</td><td>the campaign id</td>
 *       <td>{@code definition} (the {@link Campaign} as JSON), {@code status}, {@code budget} (only when the total is
 *       limited), {@code spent}, {@code remaining}, {@code version}, {@code updatedAt}, {@code updatedBy}</td></tr>
 *   <tr><td>a shopper's spend of one campaign in one period of its cap</td><td>{@code CAMPAIGN#<campaignId>}</td>
 *       <td>{@code SHOPPER#<userId>#<period>}</td><td>{@code spent}, {@code expiresAt}</td></tr>
 * </table>
 * {@code remaining} is always {@code budget − spent} (with {@code budget} 0 while unlimited): a credit adds its bonus
 * to {@code spent} and takes it from {@code remaining} in one update whose condition ({@code remaining >= bonus}
 * when {@code budget} exists) is checked on the item itself, so a budget changed a moment ago holds at once. The
 * campaigns live in one partition: listing them is one query.
 */
final class CampaignItems {
    private CampaignItems() { }

    static final String PK = "pk";
    static final String SK = "sk";
    static final String CAMPAIGNS = "CAMPAIGNS";
    static final String DEFINITION = "definition";
    static final String STATUS = "status";
    static final String BUDGET = "budget";
    static final String SPENT = "spent";
    static final String REMAINING = "remaining";
    static final String VERSION = "version";
    static final String UPDATED_AT = "updatedAt";
    static final String UPDATED_BY = "updatedBy";
    static final String EXPIRES_AT = "expiresAt";

    static Map<String, AttributeValue> campaignKey(String campaignId) {
        return Map.of(PK, s(CAMPAIGNS), SK, s(campaignId));
    }

    static Map<String, AttributeValue> shopperKey(String campaignId, String userId, String period) {
        return Map.of(PK, s("CAMPAIGN#" + campaignId), SK, s("SHOPPER#" + userId + "#" + period));
    }

    /** True when the stored campaign {@code item} has a status that earns. */
    static boolean runs(Map<String, AttributeValue> item) {
        String status = string(item, STATUS);
        return Campaign.Status.SCHEDULED.wireName().equals(status) || Campaign.Status.ACTIVE.wireName().equals(status);
    }

    static String json(Campaign campaign) {
        return Json.write(campaign);
    }

    static Campaign campaign(Map<String, AttributeValue> item) {
        try {
            return Json.MAPPER.readValue(string(item, DEFINITION), Campaign.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("campaign " + string(item, SK) + " holds a definition that does not parse", e);
        }
    }

    static CampaignRecord record(Map<String, AttributeValue> item) {
        Campaign campaign = campaign(item);
        Long budget = item.containsKey(BUDGET) ? number(item, BUDGET) : null;
        return new CampaignRecord(campaign, number(item, VERSION), number(item, SPENT),
                budget == null ? null : number(item, REMAINING), string(item, UPDATED_BY),
                item.containsKey(UPDATED_AT) ? Instant.parse(string(item, UPDATED_AT)) : null);
    }
}
