package com.mallquest.core.domain.gamification;

import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.ledger.ActivityScanner;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditItems;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.CreditResult;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.platform.metrics.InvocationMetrics;
import com.mallquest.core.domain.stores.StoreCatalogue;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Leaderboards, badges and streaks, fed by the credit path: a receipt's visit is written in its credit's transaction
 * ({@link #visit}), then {@link #onCredited} runs after the ledger applied (or replayed) a credit. Every step is safe
 * to repeat:
 * <ol>
 *   <li>the credit's XP goes onto its boards once per credit id ({@link Leaderboards#add}); receipts, refunds
 *       (negative XP) and other credits count, admin adjustments only with the detail {@code leaderboard=true};</li>
 *   <li>for a receipt, its purchase week, its store and its credit id (in its month's receipts) were added to the
 *       shopper's record with the credit (set {@code ADD}: idempotent, order-independent: a receipt of last Saturday
 *       submitted on Monday lands in last week); the hook reads the record once;</li>
 *   <li>every badge the facts now satisfy is awarded with a conditional write, so exactly one call awards it
 *       (then a {@code badge_unlocked} effect, a log line and the EMF counter {@code BadgesAwarded.<code>} in the
 *       invocation's own record, {@link InvocationMetrics#current}).</li>
 * </ol>
 * The cached user view is not touched: it holds no gamification (badges and streak are read fresh for every view,
 * {@code UserView#gamification}), and the ledger deleted it when the credit applied.
 * Redis failures never fail the credit (the rebuild repairs the boards); a DynamoDB failure in steps 2–3 is
 * thrown, so the credit's retry runs the hook again. A crash after the credit's transaction and before the hook
 * leaves the visit recorded; the badges it earned are awarded by the shopper's next receipt (the boards by the
 * rebuild).
 *
 * <pre>{@code
 * Gamification game = services.gamification();
 * game.onCredited(ledger.credit(credit));
 * }</pre>
 */
public final class Gamification {

    private static final com.mallquest.logging.Log LOG = com.mallquest.logging.Log.of(Gamification.class);

    /** The detail that makes an admin adjustment count on the leaderboards. */
    public static final String LEADERBOARD_DETAIL = "leaderboard";
    private static final Pattern DISPLAY_NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} .'_-]{1,23}");

    private final Leaderboards leaderboards;
    private final PeriodTotals totals;
    private final PlayerRecords players;
    private final ActivityScanner activity;
    private final Ledger ledger;
    private final StoreZones zones;
    private final EffectPublisher effects;
    private final Cache cache;
    private final Clock clock;
    private final BigDecimal bigBasketAmount;

    public Gamification(Leaderboards leaderboards, PeriodTotals totals, PlayerRecords players, ActivityScanner activity,
                        Ledger ledger, StoreZones zones, EffectPublisher effects, Cache cache, Clock clock,
                        BigDecimal bigBasketAmount) {
        this.leaderboards = leaderboards;
        this.totals = totals;
        this.players = players;
        this.activity = activity;
        this.ledger = ledger;
        this.zones = zones;
        this.effects = effects;
        this.cache = cache;
        this.clock = clock;
        this.bigBasketAmount = bigBasketAmount;
    }


    public Leaderboards leaderboards() {
        return leaderboards;
    }

    /** The rebuild of the leaderboards from the period totals (the cleanup step and the command). */
    public LeaderboardRebuild rebuild() {
        return new LeaderboardRebuild(totals, activity, leaderboards, cache, clock);
    }

    /** The one-off backfill of the period totals from the ledger's history (the cleanup function's command). */
    public PeriodTotalsBackfill backfill() {
        return new PeriodTotalsBackfill(activity, ledger, totals, clock);
    }

    /**
     * The receipt's visit as an item of its credit's transaction ({@link CreditItems}): its purchase week and store
     * and its credit id in its month's receipts ({@link PlayerRecords#visit}); it never refuses (no condition).
     */
    public CreditItems.Item visit(Credit credit) {
        Instant now = clock.instant();
        return new CreditItems.Item() {
            @Override
            public TransactWriteItem write(CreditResult outcome) {
                Instant purchasedAt = purchasedAt(credit.details()).orElse(outcome.creditedAt());
                return players.visit(credit.userId(), BoardPeriod.containing(Period.WEEK, purchasedAt).label(),
                        credit.details().get("storeId"), YearMonth.from(outcome.creditedAt().atZone(ZoneOffset.UTC)),
                        credit.creditId(), now);
            }

            @Override
            public RuntimeException refused(Map<String, AttributeValue> oldItem) {
                return new IllegalStateException("the visit has no condition to fail");
            }
        };
    }

    /**
     * The hook of the credit path (see the class). Repeating it for the same credit changes nothing. A receipt's
     * visit must have been written with its credit ({@link #visit}).
     */
    public void onCredited(CreditResult result) {
        Credit credit = result.credit();
        points(credit.userId(), credit.creditId(), credit.kind(), credit.xpDelta(), result.creditedAt(), credit.details())
                .ifPresent(this::addToBoards);
        if (credit.kind() != CreditKind.RECEIPT) {
            return;
        }
        String storeId = credit.details().get("storeId");
        Instant purchasedAt = purchasedAt(credit.details()).orElse(result.creditedAt());
        PlayerRecords.Visits visits = players.visits(credit.userId(), YearMonth.from(result.creditedAt().atZone(ZoneOffset.UTC)));
        PlayerState state = visits.state();
        LocalTime local = purchasedAt.atZone(zones.zoneOf(storeId)).toLocalTime();
        BadgeFacts facts = new BadgeFacts(result.account().receiptsCredited(), state.stores().size(),
                visits.receiptsInMonth(),
                result.account().level(), Streak.of(state.visitWeeks(), clock.instant()).best(),
                amount(credit.details()).map(a -> a.compareTo(bigBasketAmount) >= 0).orElse(false),
                local.getHour() >= 21 || local.getHour() < 5,
                local.getHour() >= 5 && local.getHour() < 9);
        for (Badge badge : Badge.values()) {
            if (!state.has(badge) && facts.earns(badge)) {
                award(credit.userId(), badge);
            }
        }
    }

    /**
     * The leaderboard points of a ledger credit or activity entry (one rule for the live hook and the rebuild):
     * its XP, at its activity time, in its store; none for zero XP or an adjustment without
     * {@code leaderboard=true}.
     */
    public static Optional<Leaderboards.Points> points(String userId, String creditId, CreditKind kind, long xp,
                                                      Instant at, Map<String, String> details) {
        if (!countsOnBoards(kind, xp, details)) {
            return Optional.empty();
        }
        return Optional.of(new Leaderboards.Points(userId, creditId, xp, at, details.get("storeId")));
    }

    /** True when a credit of {@code kind} with {@code xp} and {@code details} has leaderboard points ({@link #points}). */
    static boolean countsOnBoards(CreditKind kind, long xp, Map<String, String> details) {
        return xp != 0 && (kind != CreditKind.ADJUSTMENT || "true".equals(details.get(LEADERBOARD_DETAIL)));
    }

    private void addToBoards(Leaderboards.Points points) {
        try {
            leaderboards.add(points);
        } catch (RuntimeException e) {
            // The ledger has the credit; the rebuild puts it on the boards.
            LOG.warn("gamification: boards not updated; the rebuild adds the credit", e, "creditId", points.creditId());
        }
    }

    private void award(String userId, Badge badge) {
        Instant now = clock.instant();
        if (!players.award(userId, badge, now)) {
            return; // another call awarded it
        }
        // Counted into the invocation's own EMF record (the receipt request's, the cleanup run's): one per invocation.
        InvocationMetrics.current().ifPresent(m -> m.count("BadgesAwarded." + badge.code(), 1));
        LOG.info("gamification: badge awarded", "userId", userId, "badge", badge.code());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("badge", badge.code());
        data.put("title", badge.title());
        data.put("description", badge.description());
        try {
            effects.publish(userId, "badge_unlocked", data);
        } catch (RuntimeException e) {
            LOG.warn("gamification: badge_unlocked not published", e, "userId", userId, "badge", badge.code());
        }
    }

    // ---- reads -----------------------------------------------------------------------------------------

    /** One earned badge. */
    public record EarnedBadge(String code, String title, String description, Instant awardedAt) { }

    /** One badge still to earn, with how far the shopper got ({@code progress} of {@code target}). */
    public record LockedBadge(String code, String title, String description, int progress, int target) { }

    /** {@code GET /users/me/badges}: earned (newest first) and locked badges, and the streak. */
    public record BadgeBook(List<EarnedBadge> earned, List<LockedBadge> locked, Streak streak) { }

    /** What the user view shows: how many badges, the newest, the streak. */
    public record Summary(int badgeCount, EarnedBadge newestBadge, Streak streak) { }

    /** {@code userId}'s badges with progress. */
    public BadgeBook badges(String userId) {
        PlayerState state = players.read(userId);
        Instant now = clock.instant();
        Streak streak = Streak.of(state.visitWeeks(), now);
        var account = ledger.account(userId);
        BadgeFacts facts = new BadgeFacts(account.receiptsCredited(), state.stores().size(),
                activity.count(userId, CreditKind.RECEIPT, YearMonth.from(now.atZone(ZoneOffset.UTC))),
                account.level(), streak.best(), false, false, false);
        List<EarnedBadge> earned = earned(state);
        List<LockedBadge> locked = new ArrayList<>();
        for (Badge badge : Badge.values()) {
            if (!state.has(badge)) {
                locked.add(new LockedBadge(badge.code(), badge.title(), badge.description(), facts.progress(badge),
                        badge.target()));
            }
        }
        return new BadgeBook(earned, List.copyOf(locked), streak);
    }

    /** The user view's part (one strongly consistent read of the shopper's record). */
    public Summary summary(String userId) {
        return summary(players.read(userId), clock.instant());
    }

    /**
     * What a read of the shopper's gamification item ({@link com.mallquest.core.domain.ledger.UserItems#gamificationKey})
     * must project for {@link #summaryOf}: placeholder → attribute name.
     */
    public static Map<String, String> summaryAttributes() {
        return PlayerRecords.summaryAttributes();
    }

    /** The summary of a gamification item read elsewhere (null: the shopper has none yet). */
    public static Summary summaryOf(String userId, Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item,
                                    Instant now) {
        return summary(item == null ? PlayerState.empty(userId) : PlayerRecords.state(userId, item), now);
    }

    private static Summary summary(PlayerState state, Instant now) {
        List<EarnedBadge> earned = earned(state);
        return new Summary(earned.size(), earned.isEmpty() ? null : earned.get(0), Streak.of(state.visitWeeks(), now));
    }

    /** The shopper's leaderboard choices ({@code PUT /users/me/preferences}). */
    public record Preferences(Boolean publicLeaderboards, String displayName) { }

    /**
     * Saves the choices: {@code publicLeaderboards} is required; {@code displayName} (2–24 letters, digits, spaces,
     * {@code .'_-}) is optional and null removes it. Takes effect on the next board read.
     */
    public Preferences savePreferences(String userId, Preferences wanted) {
        if (wanted == null || wanted.publicLeaderboards() == null) {
            throw DomainException.invalid("publicLeaderboards", "publicLeaderboards (true or false) is required");
        }
        Optional<String> name = Optional.ofNullable(wanted.displayName()).map(String::strip);
        if (name.isPresent() && !DISPLAY_NAME.matcher(name.get()).matches()) {
            throw DomainException.invalid("displayName",
                    "displayName must be 2 to 24 letters, digits, spaces or .'_- and start with a letter or digit");
        }
        PlayerState state = players.savePreferences(userId, wanted.publicLeaderboards(), name, clock.instant());
        cache.delete(CacheKeys.userView(userId));
        return new Preferences(state.publicLeaderboards(), state.displayName().orElse(null));
    }

    private static List<EarnedBadge> earned(PlayerState state) {
        List<EarnedBadge> earned = new ArrayList<>();
        state.badges().forEach((code, at) -> Badge.fromCode(code).ifPresent(b ->
                earned.add(new EarnedBadge(b.code(), b.title(), b.description(), at))));
        earned.sort(Comparator.comparing(EarnedBadge::awardedAt).reversed().thenComparing(EarnedBadge::code));
        return List.copyOf(earned);
    }

    private static Optional<Instant> purchasedAt(Map<String, String> details) {
        try {
            return Optional.ofNullable(details.get("purchasedAt")).map(Instant::parse);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<BigDecimal> amount(Map<String, String> details) {
        try {
            return Optional.ofNullable(details.get("amount")).map(BigDecimal::new);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The time zone of each store: its own {@code timeZone} when the catalogue has one, else the mall's. */
    public static final class StoreZones {
        private final StoreCatalogue stores;
        private final ZoneId mall;

        public StoreZones(StoreCatalogue stores, ZoneId mall) {
            this.stores = stores;
            this.mall = mall;
        }

        ZoneId zoneOf(String storeId) {
            return mall;
        }
    }
}
