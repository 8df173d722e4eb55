package com.mallquest.core.domain.receipts;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.domain.campaigns.CampaignChange;
import com.mallquest.core.domain.earning.Campaign;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.testing.ReceiptCodes;
import com.mallquest.core.testing.TestStack;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CampaignForecast} on moto_server: a forecast over past receipts equals what the live campaign issues for them. */
class CampaignForecastTest {

    /** Monday 30 November 2026, noon UTC (the mall's zone here). */
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Caller ADMIN = new Caller("admin-1", Set.of(Caller.ADMIN_GROUP));

    private record Bought(String userId, String storeId, String amount, Instant at) { }

    @Test
    void forecast_shouldEqualWhatTheLiveCampaignIssues_whenTheSameReceiptsAreSubmittedAgain() {
        // GIVEN a weekend of receipts credited without campaigns: 5 shoppers, zara and hm, Friday to Sunday
        TestStack cores = TestStack.seeded("forecast", NOW, Map.of("RECEIPT_DAILY_STORE_LIMIT", "1000"));
        Services services = new Services(cores.core(), (u, t, d) -> { });
        List<Bought> weekend = new ArrayList<>();
        Instant friday = Instant.parse("2026-11-27T10:00:00Z");
        for (int i = 0; i < 30; i++) {
            weekend.add(new Bought("shopper-" + (i % 5), i % 3 == 0 ? "hm" : "zara", (20 + i) + ".00",
                    friday.plus(Duration.ofHours(2L * i))));
        }
        for (int i = 0; i < weekend.size(); i++) {
            submit(services, weekend.get(i), "W-" + i);
            cores.clock.advance(Duration.ofSeconds(1)); // the forecast replays them in the order they were credited
        }
        // AND a draft: +15 coins and 2× at zara on weekends, 300 coins in total, 60 a day per shopper (part that fits)
        services.campaigns().put(ADMIN, "zara-weekend", new CampaignChange("2× weekend at Zara", Campaign.Status.DRAFT,
                new Campaign.Window(Instant.parse("2026-11-01T00:00:00Z"), null, Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), null, null),
                new Campaign.Conditions(Set.of("zara"), null, null), new Campaign.Effect(new BigDecimal("2"), 15L, 3L, null),
                null, null, new Campaign.Budget(300L, 60L, Campaign.CapPeriod.DAY, Campaign.Overflow.PARTIAL), null));

        // WHEN it is forecast over the weekend
        CampaignForecast.Forecast forecast = services.campaignForecast().forecast(ADMIN, "zara-weekend",
                new CampaignForecast.Period(Instant.parse("2026-11-27T00:00:00Z"), Instant.parse("2026-11-30T00:00:00Z")));

        // THEN it replays the 30 receipts and its budget runs out on the weekend
        assertEquals(30, forecast.receipts());
        assertEquals(300, forecast.coins(), forecast.toString());
        assertTrue(forecast.budgetRunsOutOn() != null && !forecast.budgetRunsOutOn().isBefore(LocalDate.parse("2026-11-28")), forecast.toString());
        // AND launched, the same receipts submitted again in the same order issue exactly what it said
        services.campaigns().put(ADMIN, "zara-weekend", new CampaignChange("2× weekend at Zara", Campaign.Status.ACTIVE,
                new Campaign.Window(Instant.parse("2026-11-01T00:00:00Z"), null, Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), null, null),
                new Campaign.Conditions(Set.of("zara"), null, null), new Campaign.Effect(new BigDecimal("2"), 15L, 3L, null),
                null, null, new Campaign.Budget(300L, 60L, Campaign.CapPeriod.DAY, Campaign.Overflow.PARTIAL), 1L));
        long bonus = 0;
        long bonusXp = 0;
        int reached = 0;
        Set<String> shoppers = new HashSet<>();
        for (int i = 0; i < weekend.size(); i++) {
            ReceiptResult again = submit(services, weekend.get(i), "again-" + i);
            long base = new BigDecimal(weekend.get(i).amount()).multiply(services.stores().find(weekend.get(i).storeId())
                    .orElseThrow().multiplier()).longValue();
            if (again.coinsEarned() > base) {
                reached++;
                shoppers.add(weekend.get(i).userId());
            }
            bonus += again.coinsEarned() - base;
            bonusXp += again.xpEarned() - new BigDecimal(weekend.get(i).amount()).longValue();
        }
        assertEquals(forecast.coins(), bonus);
        assertEquals(forecast.xp(), bonusXp);
        assertEquals(forecast.receiptsReached(), reached);
        assertEquals(forecast.shoppersReached(), shoppers.size());
    }

    @Test
    void forecast_shouldRefuseAnUnknownCampaign_andAPeriodBackwards() {
        // GIVEN/WHEN/THEN 404 campaign_not_found; 400 for a period that ends before it starts
        TestStack cores = TestStack.seeded("forecast", NOW, Map.of());
        Services services = new Services(cores.core(), (u, t, d) -> { });
        DomainException unknown = assertThrows(DomainException.class, () -> services.campaignForecast().forecast(ADMIN, "nothing",
                new CampaignForecast.Period(NOW.minus(Duration.ofDays(3)), NOW)));
        assertEquals("campaign_not_found", unknown.code());
        assertThrows(DomainException.class, () -> new CampaignForecast.Period(NOW, NOW.minus(Duration.ofDays(1))));
    }

    private static ReceiptResult submit(Services services, Bought bought, String receiptId) {
        return (ReceiptResult) services.receipts().submit(bought.userId(),
                ReceiptRequest.signed(ReceiptCodes.code(bought.storeId(), receiptId, bought.amount(), bought.at())));
    }
}
