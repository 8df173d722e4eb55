package com.mallquest.core.api.lambda;

import com.mallquest.core.domain.campaigns.CampaignBudgets;
import com.mallquest.core.domain.campaigns.Campaigns;
import com.mallquest.core.domain.effects.EffectPublisher;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.domain.ledger.ActivityScanner;
import com.mallquest.core.domain.gamification.Gamification;
import com.mallquest.core.domain.gamification.Leaderboards;
import com.mallquest.core.domain.gamification.PeriodTotals;
import com.mallquest.core.domain.gamification.PlayerRecords;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.domain.receipts.CampaignForecast;
import com.mallquest.core.domain.receipts.ReceiptClaims;
import com.mallquest.core.domain.receipts.ReceiptReviews;
import com.mallquest.core.domain.receipts.ReceiptService;
import com.mallquest.core.domain.spending.CouponService;
import com.mallquest.core.domain.spending.ReceiptRefunds;
import com.mallquest.core.domain.spending.RedemptionService;
import com.mallquest.core.domain.spending.RewardCatalogue;
import com.mallquest.core.domain.spending.SpendingCleanup;
import com.mallquest.core.domain.stores.StoreCatalogue;
import com.mallquest.core.domain.stores.StoreKeys;
import com.mallquest.core.domain.stores.StoreRegistry;
import com.mallquest.core.domain.audit.AuditTrail;
import com.mallquest.core.domain.users.UserViewService;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.ratelimit.RateLimiter;
import com.mallquest.core.platform.wiring.Platform;

import java.util.function.Supplier;

/**
 * The composition root of a container: builds each domain service once, on first use, from the container's
 * {@link Platform} clients, so one container holds one {@link Ledger}, one {@link StoreCatalogue} (one memo, one
 * key cache) and one {@link EffectPublisher} that reaches every service. Constructors are the only way to build a
 * service; no domain class builds another. A handler holds one {@code Services} in its static init:
 *
 * <pre>{@code
 * public GetUserHandler() { this(Services.container()); }     // the Lambda runtime's constructor
 * GetUserHandler(Services services) { super(services.platform()); this.users = services.users(); }
 * }</pre>
 *
 * Services are built lazily: a handler pays at cold start only for what it asks for.
 */
public final class Services {

    private final Platform platform;
    private final Settings settings;
    private final EffectPublisher effects;

    private final EffectsService effectsService;
    private final Lazy<StoreCatalogue> stores;
    private final Lazy<StoreKeys> storeKeys;
    private final Lazy<StoreRegistry> storeRegistry;
    private final Lazy<PeriodTotals> periodTotals;
    private final Lazy<AuditTrail> auditTrail;
    private final Lazy<Ledger> ledger;
    private final Lazy<Gamification> gamification;
    private final Lazy<ReceiptClaims> receiptClaims;
    private final Lazy<ReceiptService> receipts;
    private final Lazy<ReceiptReviews> reviews;
    private final Lazy<RewardCatalogue> rewards;
    private final Lazy<RedemptionService> redemptions;
    private final Lazy<CouponService> coupons;
    private final Lazy<ReceiptRefunds> refunds;
    private final Lazy<SpendingCleanup> spendingCleanup;
    private final Lazy<UserViewService> users;
    private final Lazy<Campaigns> campaigns;
    private final Lazy<CampaignBudgets> campaignBudgets;
    private final Lazy<CampaignForecast> campaignForecast;

    /** The services of a container whose effects go to the mall's effect queue ({@link EffectsService}). */
    public Services(Platform platform) {
        this(platform, null);
    }

    /**
     * @param effects where every service publishes effects; {@code null} for the container's {@link EffectsService}
     *                (tests pass a recorder)
     */
    public Services(Platform platform, EffectPublisher effects) {
        this.platform = platform;
        this.settings = platform.settings();
        this.effectsService = new EffectsService(platform.cache(), platform.clock(), settings);
        this.effects = effects != null ? effects : effectsService;
        this.stores = new Lazy<>(() -> new StoreCatalogue(platform.dynamoDb(), settings.storesTable(), platform.cache(),
                settings.storeCacheTtl()));
        this.storeKeys = new Lazy<>(() -> new StoreKeys(platform.dynamoDb(), settings.storesTable(), settings.auditTable(),
                stores.get(), platform.clock(), settings.storeKeyCacheTtl(), settings.samLocal()));
        this.storeRegistry = new Lazy<>(() -> new StoreRegistry(platform.dynamoDb(), settings.storesTable(), settings.auditTable(),
                stores.get(), platform.clock(), settings.samLocal()));
        this.auditTrail = new Lazy<>(() -> new AuditTrail(platform.dynamoDb(), settings.auditTable(), platform.clock()));
        // Every credit carries its leaderboard period totals in its own transaction, whoever makes it.
        this.periodTotals = new Lazy<>(() -> new PeriodTotals(platform.dynamoDb(), settings.usersTable(),
                Leaderboards.Retention.from(settings)));
        this.ledger = new Lazy<>(() -> new Ledger(platform.dynamoDb(), settings.usersTable(), platform.cache(),
                platform.clock(), periodTotals.get()::itemsFor));
        this.gamification = new Lazy<>(() -> {
            PlayerRecords players = new PlayerRecords(platform.dynamoDb(), settings.usersTable());
            return new Gamification(
                    new Leaderboards(platform.cache(), players, platform.clock(), Leaderboards.Retention.from(settings)),
                    periodTotals.get(), players, new ActivityScanner(platform.dynamoDb(), settings.usersTable()), ledger.get(),
                    new Gamification.StoreZones(stores.get(), settings.mallTimeZone()), this.effects,
                    platform.cache(), platform.clock(), settings.bigBasketAmount());
        });
        this.campaigns = new Lazy<>(() -> new Campaigns(platform.dynamoDb(), settings.campaignsTable(), settings.auditTable(), platform.cache(),
                platform.clock()));
        this.campaignBudgets = new Lazy<>(() -> new CampaignBudgets(platform.dynamoDb(), settings.campaignsTable(),
                settings.mallTimeZone()));
        this.receiptClaims = new Lazy<>(() -> new ReceiptClaims(platform.dynamoDb(), settings.receiptsTable(), settings.auditTable()));
        this.receipts = new Lazy<>(() -> new ReceiptService(platform.dynamoDb(), settings.receiptsTable(),
                receiptClaims.get(), stores.get(), storeKeys.get(), ledger.get(), gamification.get(),
                new RateLimiter(platform.cache(), platform.clock()), this.effects, platform.cache(), platform.clock(),
                ReceiptService.Rules.from(settings), campaigns.get(), campaignBudgets.get()));
        this.campaignForecast = new Lazy<>(() -> new CampaignForecast(campaigns.get(), receiptClaims.get(), stores.get(),
                campaignBudgets.get(), settings.mallTimeZone()));
        this.reviews = new Lazy<>(() -> new ReceiptReviews(receipts.get()));
        this.rewards = new Lazy<>(() -> new RewardCatalogue(platform.dynamoDb(), settings.spendingTable(), settings.auditTable(),
                platform.cache(), settings.rewardCacheTtl(), platform.clock(), stores.get()));
        this.redemptions = new Lazy<>(() -> new RedemptionService(platform.dynamoDb(), settings.spendingTable(),
                rewards.get(), ledger.get(), this.effects, platform.clock(),
                new RateLimiter(platform.cache(), platform.clock()), settings.redemptionRateLimit()));
        this.coupons = new Lazy<>(() -> new CouponService(platform.dynamoDb(), settings.spendingTable(), settings.auditTable(), ledger.get(),
                rewards.get(), this.effects, platform.clock()));
        this.refunds = new Lazy<>(() -> new ReceiptRefunds(platform.dynamoDb(), settings.spendingTable(),
                settings.auditTable(), receiptClaims.get(), ledger.get(), platform.clock(), gamification.get()));
        this.spendingCleanup = new Lazy<>(() -> new SpendingCleanup(platform.dynamoDb(), settings.spendingTable(),
                coupons.get(), platform.clock()));
        this.users = new Lazy<>(() -> new UserViewService(ledger.get(), platform.dynamoDb(), settings.usersTable(),
                platform.cache(), new RateLimiter(platform.cache(), platform.clock()), settings.userReadRateLimit(),
                settings.userCacheTtl(), platform.clock()));
    }

    /**
     * The services of this container, from the process environment, built once on first use: in a handler's
     * static init or no-argument constructor, so that SnapStart's snapshot holds them.
     */
    public static Services container() {
        return Container.SERVICES;
    }

    private static final class Container {
        static final Services SERVICES = new Services(Platform.fromEnvironment());
    }

    public Platform platform() { return platform; }

    /** Where every service of this container publishes effects. */
    public EffectPublisher effects() { return effects; }

    /** The effect queue itself (triggering, listing, expiring effects). */
    public EffectsService effectsService() { return effectsService; }

    public StoreCatalogue stores() { return stores.get(); }

    public StoreKeys storeKeys() { return storeKeys.get(); }

    public StoreRegistry storeRegistry() { return storeRegistry.get(); }

    public AuditTrail auditTrail() { return auditTrail.get(); }

    public Ledger ledger() { return ledger.get(); }

    public Gamification gamification() { return gamification.get(); }

    public ReceiptClaims receiptClaims() { return receiptClaims.get(); }

    public ReceiptService receipts() { return receipts.get(); }

    public Campaigns campaigns() { return campaigns.get(); }

    public CampaignForecast campaignForecast() { return campaignForecast.get(); }

    public ReceiptReviews reviews() { return reviews.get(); }

    public RewardCatalogue rewards() { return rewards.get(); }

    public RedemptionService redemptions() { return redemptions.get(); }

    public CouponService coupons() { return coupons.get(); }

    public ReceiptRefunds refunds() { return refunds.get(); }

    public SpendingCleanup spendingCleanup() { return spendingCleanup.get(); }

    public UserViewService users() { return users.get(); }

    /** A value built once, on first use (the container's services are built on one thread, at init or first call). */
    private static final class Lazy<T> {
        private final Supplier<T> build;
        private volatile T value;

        Lazy(Supplier<T> build) {
            this.build = build;
        }

        T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = build.get();
                        value = v;
                    }
                }
            }
            return v;
        }
    }
}
