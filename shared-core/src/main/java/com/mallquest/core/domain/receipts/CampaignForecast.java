package com.mallquest.core.domain.receipts;

import com.mallquest.core.domain.campaigns.CampaignBudgets;
import com.mallquest.core.domain.campaigns.CampaignRecord;
import com.mallquest.core.domain.campaigns.Campaigns;
import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.domain.earning.Earning;
import com.mallquest.core.domain.earning.EarningLine;
import com.mallquest.core.domain.earning.EarningRules;
import com.mallquest.core.domain.earning.Purchase;
import com.mallquest.core.domain.stores.Store;
import com.mallquest.core.domain.stores.StoreCatalogue;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a campaign would have issued ({@code POST /admin/campaigns/{id}/forecast}): the mall's credited receipts of a
 * past period, in the order they were credited, earned again with the campaign as if it ran (alone, from its full
 * budget), through the same rules ({@link EarningRules#earn}) and the same budget arithmetic as live credits
 * ({@link CampaignBudgets}: the room is what its total and the shopper's cap of the period leave). Submitting the same
 * receipts again with the campaign running issues exactly the forecast's coins.
 *
 * <pre>{@code
 * CampaignForecast.Forecast f = services.campaignForecast().forecast(admin, "zara-weekend", new Period(from, to));
 * f.coins(); f.shoppersReached(); f.budgetRunsOutOn();
 * }</pre>
 */
public final class CampaignForecast {

    /** The most receipts one forecast replays (a larger period answers {@code truncated}). */
    public static final int MAX_RECEIPTS = 20_000;
    /** The longest period one forecast covers. */
    static final Duration MAX_PERIOD = Duration.ofDays(92);

    private final Campaigns campaigns;
    private final ReceiptClaims claims;
    private final StoreCatalogue stores;
    private final CampaignBudgets budgets;
    private final ZoneId mallZone;

    public CampaignForecast(Campaigns campaigns, ReceiptClaims claims, StoreCatalogue stores, CampaignBudgets budgets,
                            ZoneId mallZone) {
        this.campaigns = campaigns;
        this.claims = claims;
        this.stores = stores;
        this.budgets = budgets;
        this.mallZone = mallZone;
    }

    /** The body of the forecast: the purchases of {@code [from, to)} are replayed. */
    public record Period(Instant from, Instant to) {
        public Period {
            if (from == null || to == null || !from.isBefore(to)) {
                throw DomainException.invalid("to", "from and to are required, from before to");
            }
            if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
                throw DomainException.invalid("to", "a forecast covers at most " + MAX_PERIOD.toDays() + " days");
            }
        }
    }

    /**
     * @param receipts        the credited receipts of the period that were replayed
     * @param receiptsReached how many of them the campaign gives a bonus
     * @param shoppersReached how many shoppers got one
     * @param coins           the bonus coins it would have issued
     * @param xp              the bonus XP
     * @param budgetRunsOutOn the day (mall zone) of the first receipt its total budget could not pay in full; null
     *                        when it lasted
     * @param truncated       true when the period held more than {@link #MAX_RECEIPTS} receipts (only the first were
     *                        replayed)
     */
    public record Forecast(String campaignId, Instant from, Instant to, int receipts, int receiptsReached,
                           int shoppersReached, long coins, long xp, LocalDate budgetRunsOutOn, boolean truncated) { }

    /**
     * Replays the period through campaign {@code campaignId}, whatever its status (a draft, typically).
     *
     * @throws DomainException 403 {@code forbidden}, 404 {@code campaign_not_found}
     */
    public Forecast forecast(Caller caller, String campaignId, Period period) {
        if (!caller.isAdmin()) {
            throw DomainException.forbidden("forbidden", "Only administrators may forecast campaigns");
        }
        Campaign stored = campaigns.find(campaignId).map(CampaignRecord::campaign).orElseThrow(() ->
                DomainException.notFound("campaign_not_found", "There is no campaign '" + campaignId + "'"));
        Campaign campaign = stored.withStatus(Campaign.Status.ACTIVE);
        List<ReceiptClaim> credited = claims.credited(period.from(), period.to(), MAX_RECEIPTS);
        boolean truncated = credited.size() > MAX_RECEIPTS;
        List<ReceiptClaim> replayed = truncated ? credited.subList(0, MAX_RECEIPTS) : credited;

        Long total = campaign.budget().totalCoins();
        Long cap = campaign.budget().perShopperCoins();
        long spent = 0;
        Map<String, Long> perShopper = new HashMap<>();
        Set<String> shoppers = new HashSet<>();
        int reached = 0;
        long xp = 0;
        LocalDate runsOut = null;
        for (ReceiptClaim claim : replayed) {
            Optional<Store> store = stores.find(claim.storeId());
            if (store.isEmpty()) {
                continue;
            }
            Purchase purchase = new Purchase(claim.userId(), claim.storeId(), store.get().category(),
                    store.get().multiplier(), claim.amount(), claim.purchasedAt());
            String shopperPeriod = claim.userId() + "#" + budgets.period(campaign, purchase);
            long totalRoom = total == null ? Long.MAX_VALUE : total - spent;
            long capRoom = cap == null ? Long.MAX_VALUE : cap - perShopper.getOrDefault(shopperPeriod, 0L);
            Map<String, Long> room = total == null && cap == null ? Map.of() : Map.of(campaignId, Math.min(totalRoom, capRoom));
            Earning earning = EarningRules.earn(purchase, List.of(campaign), mallZone, room);
            Optional<EarningLine> line = earning.bonuses().stream().findFirst();
            long wanted = EarningRules.earn(purchase, List.of(campaign), mallZone, Map.of()).bonuses().stream()
                    .mapToLong(EarningLine::coins).sum();
            if (runsOut == null && wanted > totalRoom) {
                runsOut = claim.purchasedAt().atZone(mallZone).toLocalDate();
            }
            if (line.isEmpty()) {
                continue;
            }
            reached++;
            shoppers.add(claim.userId());
            spent += line.get().coins();
            xp += line.get().xp();
            perShopper.merge(shopperPeriod, line.get().coins(), Long::sum);
        }
        return new Forecast(campaignId, period.from(), period.to(), replayed.size(), reached, shoppers.size(), spent, xp,
                runsOut, truncated);
    }
}
