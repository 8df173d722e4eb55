package com.mallquest.core.domain.earning;

import com.mallquest.core.platform.errors.DomainException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link EarningRules#earn}: campaigns' windows, conditions, effects, stacking and room, as pure rules. */
class CampaignEarningTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant END = Instant.parse("2027-01-01T00:00:00Z");
    /** Saturday 28 November 2026, 14:00 in Paris. */
    private static final Instant SATURDAY = Instant.parse("2026-11-28T13:00:00Z");
    /** Friday 27 November 2026, 14:00 in Paris. */
    private static final Instant FRIDAY = Instant.parse("2026-11-27T13:00:00Z");

    static Campaign weekendAtZara(Campaign.Stacking stacking, int priority, Campaign.Budget budget) {
        return new Campaign("zara-weekend", "2× weekend at Zara", Campaign.Status.ACTIVE,
                new Campaign.Window(START, END, Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), null, null),
                new Campaign.Conditions(Set.of("zara"), null, null),
                new Campaign.Effect(new BigDecimal("2"), null, null, null), stacking, priority, budget);
    }

    private static Purchase at(String storeId, String category, String amount, Instant when) {
        return new Purchase("alice", storeId, category, BigDecimal.ONE, new BigDecimal(amount), when);
    }

    @Test
    void earn_shouldDoubleTheCoins_whenTheWeekendCampaignsStoreIsBoughtAtInsideItsWindow() {
        // GIVEN a 2× weekend campaign at zara
        List<Campaign> campaigns = List.of(weekendAtZara(null, 0, null));
        // WHEN a 125.00 purchase at zara is earned on a Saturday, on a Friday, and at another store on the Saturday
        Earning saturday = EarningRules.earn(at("zara", "fashion", "125.00", SATURDAY), campaigns, PARIS, Map.of());
        Earning friday = EarningRules.earn(at("zara", "fashion", "125.00", FRIDAY), campaigns, PARIS, Map.of());
        Earning elsewhere = EarningRules.earn(at("hm", "fashion", "125.00", SATURDAY), campaigns, PARIS, Map.of());
        // THEN the Saturday at zara earns 250 (base 125 + campaign 125), the others the base alone
        assertEquals(List.of(new EarningLine("base", "Base", 125, 125), new EarningLine("zara-weekend", "2× weekend at Zara", 125, 0)),
                saturday.lines());
        assertEquals(250, saturday.coins());
        assertEquals(new Earning(125, 125), friday);
        assertEquals(new Earning(125, 125), elsewhere);
    }

    @Test
    void earn_shouldReadTheWindowInTheMallsZone_whenAPurchaseIsNearMidnight() {
        // GIVEN the weekend campaign; Friday 23:30 UTC is Saturday 00:30 in Paris, Sunday 23:30 UTC is Monday there
        List<Campaign> campaigns = List.of(weekendAtZara(null, 0, null));
        // WHEN / THEN the first is inside, the second outside; and nothing before the start or from the end on
        assertEquals(20, EarningRules.earn(at("zara", "fashion", "10", Instant.parse("2026-11-27T23:30:00Z")), campaigns, PARIS, Map.of()).coins());
        assertEquals(10, EarningRules.earn(at("zara", "fashion", "10", Instant.parse("2026-11-29T23:30:00Z")), campaigns, PARIS, Map.of()).coins());
        assertEquals(10, EarningRules.earn(at("zara", "fashion", "10", Instant.parse("2026-10-31T12:00:00Z")), campaigns, PARIS, Map.of()).coins());
        assertEquals(10, EarningRules.earn(at("zara", "fashion", "10", Instant.parse("2027-01-02T12:00:00Z")), campaigns, PARIS, Map.of()).coins());
    }

    @Test
    void earn_shouldKeepToTheHours_andTheCategory_andTheMinimumAmount() {
        // GIVEN +50 coins and 20 XP on food purchases of 30 or more, 10:00-12:00 on weekdays
        Campaign lunch = new Campaign("early-lunch", "Early lunch", Campaign.Status.SCHEDULED,
                new Campaign.Window(START, null, Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
                        DayOfWeek.THURSDAY, DayOfWeek.FRIDAY), LocalTime.of(10, 0), LocalTime.of(12, 0)),
                new Campaign.Conditions(null, Set.of("food"), new BigDecimal("30")),
                new Campaign.Effect(null, 50L, 20L, null), Campaign.Stacking.ADDITIVE, 0, null);
        List<Campaign> campaigns = List.of(lunch);
        Instant fridayAt1130 = Instant.parse("2026-11-27T10:30:00Z");
        // WHEN / THEN only a food purchase of 30+ between 10:00 and 12:00 Paris time earns the bonus
        assertEquals(new Earning(80, 50, List.of(new EarningLine("base", "Base", 30, 30), new EarningLine("early-lunch", "Early lunch", 50, 20))),
                EarningRules.earn(at("burger", "food", "30.00", fridayAt1130), campaigns, PARIS, Map.of()));
        assertEquals(29, EarningRules.earn(at("burger", "food", "29.99", fridayAt1130), campaigns, PARIS, Map.of()).coins());
        assertEquals(30, EarningRules.earn(at("zara", "fashion", "30.00", fridayAt1130), campaigns, PARIS, Map.of()).coins());
        assertEquals(30, EarningRules.earn(at("burger", "food", "30.00", Instant.parse("2026-11-27T11:00:00Z")), campaigns, PARIS, Map.of()).coins());
    }

    @Test
    void earn_shouldLeaveOutCampaignsThatDoNotRun_whateverTheirWindow() {
        // GIVEN the weekend campaign as a draft, paused and ended
        for (Campaign.Status status : List.of(Campaign.Status.DRAFT, Campaign.Status.PAUSED, Campaign.Status.ENDED)) {
            List<Campaign> campaigns = List.of(weekendAtZara(null, 0, null).withStatus(status));
            // WHEN / THEN a Saturday purchase earns the base alone
            assertEquals(new Earning(125, 125), EarningRules.earn(at("zara", "fashion", "125.00", SATURDAY), campaigns, PARIS, Map.of()), status.name());
        }
    }

    @Test
    void earn_shouldAddAdditiveCampaigns_andKeepTheBestOfTheBestOf() {
        // GIVEN the 2× weekend (best-of, priority 1), a 3× flash sale (best-of, priority 0) and +10 coins (additive)
        Campaign weekend = weekendAtZara(Campaign.Stacking.BEST_OF, 1, null);
        Campaign flash = new Campaign("flash", "3× flash sale", Campaign.Status.ACTIVE, new Campaign.Window(START, END, null, null, null),
                null, new Campaign.Effect(new BigDecimal("3"), null, null, null), Campaign.Stacking.BEST_OF, 0, null);
        Campaign welcome = new Campaign("welcome", "Welcome bonus", Campaign.Status.ACTIVE, new Campaign.Window(START, END, null, null, null),
                null, new Campaign.Effect(null, 10L, null, null), Campaign.Stacking.ADDITIVE, 5, null);
        // WHEN a 100.00 purchase at zara on Saturday is earned
        Earning earning = EarningRules.earn(at("zara", "fashion", "100.00", SATURDAY), List.of(weekend, flash, welcome), PARIS, Map.of());
        // THEN base 100 + welcome 10 + the flash sale's 200 (the best of the best-of); the weekend's 100 is left out
        assertEquals(List.of("base", "welcome", "flash"), earning.lines().stream().map(EarningLine::source).toList());
        assertEquals(310, earning.coins());
    }

    @Test
    void earn_shouldGiveThePartThatFits_orNothing_asTheOverflowSays() {
        // GIVEN the weekend campaign capped at 100 coins a receipt, with 40 coins of room left
        Campaign partial = new Campaign("zara-weekend", "2× weekend at Zara", Campaign.Status.ACTIVE,
                new Campaign.Window(START, END, null, null, null), null,
                new Campaign.Effect(new BigDecimal("2"), null, 5L, 100L), null, 0,
                new Campaign.Budget(1000L, null, null, Campaign.Overflow.PARTIAL));
        Campaign none = new Campaign("zara-weekend", "2× weekend at Zara", Campaign.Status.ACTIVE, partial.window(), null,
                partial.effect(), null, 0, new Campaign.Budget(1000L, null, null, Campaign.Overflow.NONE));
        Purchase purchase = at("zara", "fashion", "125.00", SATURDAY);
        // WHEN / THEN unlimited: 100 (the per-receipt cap); 40 of room: 40 (partial) or no line at all (none); 0: none
        assertEquals(225, EarningRules.earn(purchase, List.of(partial), PARIS, Map.of()).coins());
        assertEquals(165, EarningRules.earn(purchase, List.of(partial), PARIS, Map.of("zara-weekend", 40L)).coins());
        assertEquals(new Earning(125, 125), EarningRules.earn(purchase, List.of(none), PARIS, Map.of("zara-weekend", 40L)));
        assertEquals(new Earning(125, 125), EarningRules.earn(purchase, List.of(partial), PARIS, Map.of("zara-weekend", 0L)));
    }

    @Test
    void campaign_shouldRefuseAnEffectThatGivesNothing_andAWindowThatEndsBeforeItStarts() {
        // GIVEN/WHEN/THEN each is a 400 naming the field
        DomainException nothing = assertThrows(DomainException.class, () -> new Campaign.Effect(BigDecimal.ONE, null, null, null));
        assertEquals("effect", nothing.field());
        DomainException backwards = assertThrows(DomainException.class, () -> new Campaign.Window(END, START, null, null, null));
        assertEquals("window.end", backwards.field());
    }
}
