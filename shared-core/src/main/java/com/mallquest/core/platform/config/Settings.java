package com.mallquest.core.platform.config;

import com.mallquest.core.platform.ratelimit.RateLimit;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every environment variable a MallQuest function reads, parsed once into typed values.
 *
 * <p>The variables are declared in {@code template.yaml} (Globals) and documented in
 * docs/configuration.md. A missing required variable, or a value that does not parse, fails the
 * function's init with a {@link SettingsException} naming the variable.
 *
 * <pre>{@code
 * Settings settings = Settings.fromEnvironment(System.getenv());
 * String users = settings.usersTable();
 * }</pre>
 */
public final class Settings {

    private final String usersTable;
    private final String receiptsTable;
    private final String storesTable;
    private final Optional<String> spendingTable;
    private final Optional<String> auditTable;
    private final int cleanupMaxSpendingItems;
    private final Duration rewardCacheTtl;
    private final String region;
    private final Optional<URI> dynamoDbEndpoint;
    private final Optional<URI> redisUrl;
    private final boolean redisCluster;
    private final Duration redisTimeout;
    private final Duration redisRetryInterval;
    private final String metricsNamespace;
    private final String functionName;
    private final boolean samLocal;
    private final int maxBodyBytes;
    private final Optional<String> edgeSecret;
    private final RateLimit receiptRateLimit;
    private final RateLimit redemptionRateLimit;
    private final RateLimit userReadRateLimit;
    private final Duration userCacheTtl;
    private final int effectsMaxPerSecond;
    private final int effectsMaxActive;
    private final int cleanupMaxEffectTargets;
    private final int cleanupMaxPendingCredits;
    private final int cleanupMaxScannedItems;
    private final Duration storeCacheTtl;
    private final Duration storeKeyCacheTtl;
    private final long receiptDailyCoinLimit;
    private final int receiptDailyStoreLimit;
    private final Duration receiptClaimWindow;
    private final Duration receiptClockSkew;
    private final int receiptMaxAmount;
    private final Optional<String> cacheName;
    private final Duration healthDatabaseTimeout;
    private final Optional<Integer> functionMemoryMb;
    private final int leaderboardWeeksKept;
    private final int leaderboardMonthsKept;
    private final Duration leaderboardAllTimeIdle;
    private final int leaderboardRebuildMaxItems;
    private final java.math.BigDecimal bigBasketAmount;
    private final Optional<String> campaignsTable;
    private final java.time.ZoneId mallTimeZone;

    private Settings(EnvReader env) {
        this.usersTable = env.required("USERS_TABLE");
        this.receiptsTable = env.required("RECEIPTS_TABLE");
        this.storesTable = env.required("STORES_TABLE");
        this.spendingTable = env.optional("SPENDING_TABLE");
        this.auditTable = env.optional("AUDIT_TABLE");
        this.campaignsTable = env.optional("CAMPAIGNS_TABLE");
        this.cleanupMaxSpendingItems = env.integer("CLEANUP_MAX_SPENDING_ITEMS", 100, 1, 10_000);
        this.rewardCacheTtl = Duration.ofSeconds(env.integer("REWARD_CACHE_TTL_SECONDS", 10, 1, 86_400));
        this.region = env.optional("AWS_REGION").orElse("us-east-1");
        this.dynamoDbEndpoint = env.optional("DYNAMODB_ENDPOINT").map(v -> env.uri("DYNAMODB_ENDPOINT", v));
        this.redisUrl = env.optional("REDIS_URL").map(v -> env.uri("REDIS_URL", v));
        this.redisCluster = env.bool("REDIS_CLUSTER", false);
        this.redisTimeout = Duration.ofMillis(env.integer("REDIS_TIMEOUT_MS", 250, 1, 60_000));
        this.redisRetryInterval = Duration.ofMillis(env.integer("REDIS_RETRY_INTERVAL_MS", 5_000, 0, 3_600_000));
        this.metricsNamespace = env.optional("METRICS_NAMESPACE").orElse("MallQuest");
        this.functionName = env.optional("AWS_LAMBDA_FUNCTION_NAME").orElse("local");
        this.samLocal = env.bool("AWS_SAM_LOCAL", false);
        this.maxBodyBytes = env.integer("MAX_BODY_BYTES", 16_384, 256, 6 * 1024 * 1024);
        this.edgeSecret = env.optional("EDGE_SECRET").filter(v -> !v.isBlank());
        this.receiptRateLimit = env.rateLimit("RECEIPT_RATE_LIMIT", "10/60s");
        this.redemptionRateLimit = env.rateLimit("REDEMPTION_RATE_LIMIT", "10/60s");
        this.userReadRateLimit = env.rateLimit("USER_READ_RATE_LIMIT", "20/60s");
        this.userCacheTtl = Duration.ofSeconds(env.integer("USER_CACHE_TTL_SECONDS", 300, 1, 86_400));
        this.effectsMaxPerSecond = env.integer("EFFECTS_MAX_PER_SECOND", 5, 1, 1_000);
        this.effectsMaxActive = env.integer("EFFECTS_MAX_ACTIVE", 100, 1, 10_000);
        this.cleanupMaxEffectTargets = env.integer("CLEANUP_MAX_EFFECT_TARGETS", 500, 1, 100_000);
        this.cleanupMaxPendingCredits = env.integer("CLEANUP_MAX_PENDING_CREDITS", 100, 1, 10_000);
        this.cleanupMaxScannedItems = env.integer("CLEANUP_MAX_SCANNED_ITEMS", 1_000, 1, 1_000_000);
        this.storeCacheTtl = Duration.ofSeconds(env.integer("STORE_CACHE_TTL_SECONDS", 60, 1, 86_400));
        this.storeKeyCacheTtl = Duration.ofSeconds(env.integer("STORE_KEY_CACHE_TTL_SECONDS", 30, 0, 60));
        this.receiptDailyCoinLimit = env.integer("RECEIPT_DAILY_COIN_LIMIT", 20_000, 1, 100_000_000);
        this.receiptDailyStoreLimit = env.integer("RECEIPT_DAILY_STORE_LIMIT", 5, 1, 1_000);
        this.receiptClaimWindow = Duration.ofDays(env.integer("RECEIPT_CLAIM_WINDOW_DAYS", 30, 1, 36_500));
        this.receiptClockSkew = Duration.ofSeconds(env.integer("RECEIPT_CLOCK_SKEW_SECONDS", 300, 0, 86_400));
        this.receiptMaxAmount = env.integer("RECEIPT_MAX_AMOUNT", 5_000, 1, 1_000_000);
        this.cacheName = env.optional("CACHE_NAME");
        this.healthDatabaseTimeout = Duration.ofMillis(env.integer("HEALTH_DB_TIMEOUT_MS", 1_000, 50, 10_000));
        this.functionMemoryMb = env.optional("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
                .map(v -> env.integer("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 0, 128, 10_240));
        this.leaderboardWeeksKept = env.integer("LEADERBOARD_WEEKS_KEPT", 12, 1, 520);
        this.leaderboardMonthsKept = env.integer("LEADERBOARD_MONTHS_KEPT", 13, 1, 120);
        this.leaderboardAllTimeIdle = Duration.ofDays(env.integer("LEADERBOARD_ALL_TIME_IDLE_DAYS", 400, 1, 36_500));
        this.leaderboardRebuildMaxItems = env.integer("LEADERBOARD_REBUILD_MAX_ITEMS", 500, 1, 100_000);
        this.bigBasketAmount = java.math.BigDecimal.valueOf(env.integer("BIG_BASKET_AMOUNT", 500, 1, 1_000_000));
        this.mallTimeZone = env.zone("MALL_TIME_ZONE", java.time.ZoneOffset.UTC.getId());
    }

    /** Reads the settings from an environment map, normally {@code System.getenv()}. */
    public static Settings fromEnvironment(Map<String, String> environment) {
        return new Settings(new EnvReader(environment));
    }

    /** DynamoDB table of user profiles and their activity records ({@code USERS_TABLE}, required). */
    public String usersTable() { return usersTable; }

    /** DynamoDB table of receipt claims ({@code RECEIPTS_TABLE}, required). */
    public String receiptsTable() { return receiptsTable; }

    /** DynamoDB table of the mall's store catalogue ({@code STORES_TABLE}, required). */
    public String storesTable() { return storesTable; }

    /**
     * DynamoDB table of the rewards catalogue, redemptions, coupons and receipt refunds ({@code SPENDING_TABLE}).
     * Required by the functions that spend or reverse coins (template.yaml passes it to all); a service built
     * without it fails at init naming the variable.
     */
    public String spendingTable() {
        return spendingTable.orElseThrow(() -> new SettingsException(
                "Missing required environment variable SPENDING_TABLE (see docs/configuration.md)"));
    }

    /**
     * DynamoDB table of the audit trail, the staff actions written with their changes ({@code AUDIT_TABLE}). Required by
     * the functions whose routes change stores, keys, receipts, rewards, balances or coupons (template.yaml passes it to all).
     */
    public String auditTable() {
        return auditTable.orElseThrow(() -> new SettingsException(
                "Missing required environment variable AUDIT_TABLE (see the configuration table in README.md)"));
    }

    /**
     * DynamoDB table of the campaigns and their budget counters ({@code CAMPAIGNS_TABLE}). Required by the functions
     * that credit receipts or manage campaigns (template.yaml passes it to all); a service built without it fails at
     * init naming the variable.
     */
    public String campaignsTable() {
        return campaignsTable.orElseThrow(() -> new SettingsException(
                "Missing required environment variable CAMPAIGNS_TABLE (see docs/configuration.md)"));
    }

    /** {@code CLEANUP_MAX_SPENDING_ITEMS}: due spending items (expired coupons, unfinished redemptions and refunds) one cleanup run handles. Default 100. */
    public int cleanupMaxSpendingItems() { return cleanupMaxSpendingItems; }

    /** {@code REWARD_CACHE_TTL_SECONDS}: lifetime of the cached rewards catalogue (remaining stock shown may lag by this much). Default 10 s. */
    public Duration rewardCacheTtl() { return rewardCacheTtl; }

    /** {@code AWS_REGION}, set by Lambda; {@code us-east-1} when absent (local runs). */
    public String region() { return region; }

    /** {@code DYNAMODB_ENDPOINT}: a local DynamoDB-API server (moto_server); empty in AWS. */
    public Optional<URI> dynamoDbEndpoint() { return dynamoDbEndpoint; }

    /** {@code REDIS_URL} ({@code redis://} or {@code rediss://}); empty: the in-memory cache only. */
    public Optional<URI> redisUrl() { return redisUrl; }

    /** {@code REDIS_CLUSTER}: use the cluster client (ElastiCache Serverless is always cluster mode). Default false. */
    public boolean redisCluster() { return redisCluster; }

    /** {@code REDIS_TIMEOUT_MS}: connect and read timeout of a Redis call. Default 250 ms. */
    public Duration redisTimeout() { return redisTimeout; }

    /** {@code REDIS_RETRY_INTERVAL_MS}: how long the fallback serves from memory before trying Redis again. Default 5000 ms. */
    public Duration redisRetryInterval() { return redisRetryInterval; }

    /** {@code METRICS_NAMESPACE}: CloudWatch namespace of the EMF metrics. Default {@code MallQuest}. */
    public String metricsNamespace() { return metricsNamespace; }

    /** {@code AWS_LAMBDA_FUNCTION_NAME}, set by Lambda; {@code local} when absent. */
    public String functionName() { return functionName; }

    /** {@code AWS_SAM_LOCAL}: true under {@code sam local} and the MallQuest local runner. */
    public boolean samLocal() { return samLocal; }

    /** {@code MAX_BODY_BYTES}: the largest request body accepted; larger is 413. Default 16384. */
    public int maxBodyBytes() { return maxBodyBytes; }

    /**
     * {@code EDGE_SECRET}: when set, the value the API's CloudFront edge (the template's {@code ApiEdge}, with the
     * rate-based rules of its web ACL) sends in {@code x-mallquest-edge}; a request without it did not pass the edge
     * and is 403. Empty (the default, and local mode): no check.
     */
    public Optional<String> edgeSecret() { return edgeSecret; }

    /** {@code RECEIPT_RATE_LIMIT}: receipts per user per window, as {@code 10/60s}. Default {@code 10/60s}. */
    public RateLimit receiptRateLimit() { return receiptRateLimit; }

    /** {@code REDEMPTION_RATE_LIMIT}: redemption requests per user per window, as {@code 10/60s}. Default {@code 10/60s}. */
    public RateLimit redemptionRateLimit() { return redemptionRateLimit; }

    /** {@code USER_READ_RATE_LIMIT}: user reads per caller per window. Default {@code 20/60s}. */
    public RateLimit userReadRateLimit() { return userReadRateLimit; }

    /** {@code USER_CACHE_TTL_SECONDS}: lifetime of a cached user view. Default 300 s. */
    public Duration userCacheTtl() { return userCacheTtl; }

    /** {@code EFFECTS_MAX_PER_SECOND}: effects a user may trigger per second. Default 5. */
    public int effectsMaxPerSecond() { return effectsMaxPerSecond; }

    /** {@code EFFECTS_MAX_ACTIVE}: active effects kept per user; the oldest are evicted. Default 100. */
    public int effectsMaxActive() { return effectsMaxActive; }

    /** {@code CLEANUP_MAX_EFFECT_TARGETS}: users/channels whose expired effects one cleanup run removes. Default 500. */
    public int cleanupMaxEffectTargets() { return cleanupMaxEffectTargets; }

    /** {@code CLEANUP_MAX_PENDING_CREDITS}: pending receipt credits one cleanup run completes. Default 100. */
    public int cleanupMaxPendingCredits() { return cleanupMaxPendingCredits; }

    /** {@code CLEANUP_MAX_SCANNED_ITEMS}: items one cleanup run scans per table for an expired {@code expiresAt}. Default 1000. */
    public int cleanupMaxScannedItems() { return cleanupMaxScannedItems; }

    /** {@code STORE_CACHE_TTL_SECONDS}: lifetime of the cached store catalogue. Default 60 s. */
    public Duration storeCacheTtl() { return storeCacheTtl; }

    /** How long a container serves a store's public key from memory; a revocation takes effect within it ({@code STORE_KEY_CACHE_TTL_SECONDS}, 30, at most 60). */
    public Duration storeKeyCacheTtl() { return storeKeyCacheTtl; }

    /** The most receipt coins one user may be credited per UTC day ({@code RECEIPT_DAILY_COIN_LIMIT}, 20000). */
    public long receiptDailyCoinLimit() { return receiptDailyCoinLimit; }

    /** The most receipts one user may claim at one store per UTC day ({@code RECEIPT_DAILY_STORE_LIMIT}, 5). */
    public int receiptDailyStoreLimit() { return receiptDailyStoreLimit; }

    /** {@code RECEIPT_CLAIM_WINDOW_DAYS}: how old a purchase may be and still be claimed. Default 30 days. */
    public Duration receiptClaimWindow() { return receiptClaimWindow; }

    /** {@code RECEIPT_CLOCK_SKEW_SECONDS}: how far in the future a purchase time may lie (till clocks drift). Default 300 s. */
    public Duration receiptClockSkew() { return receiptClockSkew; }

    /** {@code RECEIPT_MAX_AMOUNT}: the mall's ceiling for one receipt, in whole currency units. Default 5000. */
    public int receiptMaxAmount() { return receiptMaxAmount; }

    /** {@code CACHE_NAME}: the ElastiCache serverless cache whose status {@code GET /metrics} reports; empty: not asked. */
    public Optional<String> cacheName() { return cacheName; }

    /** {@code HEALTH_DB_TIMEOUT_MS}: budget of {@code GET /health}'s DynamoDB probe, retries included. Default 1000 ms. */
    public Duration healthDatabaseTimeout() { return healthDatabaseTimeout; }

    /** {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}, set by Lambda: the function's memory in MB; empty outside Lambda. */
    public Optional<Integer> functionMemoryMb() { return functionMemoryMb; }

    /** {@code LEADERBOARD_WEEKS_KEPT}: weekly boards readable (and kept in Redis) this many weeks after they end. Default 12. */
    public int leaderboardWeeksKept() { return leaderboardWeeksKept; }

    /** {@code LEADERBOARD_MONTHS_KEPT}: monthly boards readable this many months after they end. Default 13. */
    public int leaderboardMonthsKept() { return leaderboardMonthsKept; }

    /** {@code LEADERBOARD_ALL_TIME_IDLE_DAYS}: an all-time board expires this long after its last credit. Default 400 days. */
    public Duration leaderboardAllTimeIdle() { return leaderboardAllTimeIdle; }

    /** {@code LEADERBOARD_REBUILD_MAX_ITEMS}: Users-table items one cleanup run replays into the boards. Default 500. */
    public int leaderboardRebuildMaxItems() { return leaderboardRebuildMaxItems; }

    /** {@code BIG_BASKET_AMOUNT}: the smallest receipt (whole currency units) that unlocks the big-basket badge. Default 500. */
    public java.math.BigDecimal bigBasketAmount() { return bigBasketAmount; }

    /** {@code MALL_TIME_ZONE}: the mall's time zone (IANA id), for stores without their own {@code timeZone}. Default UTC. */
    public java.time.ZoneId mallTimeZone() { return mallTimeZone; }

    /** Parses raw strings, naming the variable in every failure. */
    static final class EnvReader {
        private final Map<String, String> env;

        EnvReader(Map<String, String> env) {
            this.env = env;
        }

        Optional<String> optional(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String required(String name) {
            return optional(name).orElseThrow(() -> new SettingsException(
                    "Missing required environment variable " + name + " (see docs/configuration.md)"));
        }

        int integer(String name, int defaultValue, int min, int max) {
            return optional(name).map(v -> {
                try {
                    int parsed = Integer.parseInt(v);
                    if (parsed < min || parsed > max) {
                        throw new SettingsException(name + " must be between " + min + " and " + max + ", was " + v);
                    }
                    return parsed;
                } catch (NumberFormatException e) {
                    throw new SettingsException(name + " must be a whole number, was '" + v + "'");
                }
            }).orElse(defaultValue);
        }

        boolean bool(String name, boolean defaultValue) {
            return optional(name).map(v -> switch (v.toLowerCase()) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new SettingsException(name + " must be true or false, was '" + v + "'");
            }).orElse(defaultValue);
        }

        URI uri(String name, String value) {
            try {
                URI uri = URI.create(value);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new SettingsException(name + " must be an absolute URL with a host, was '" + value + "'");
                }
                return uri;
            } catch (IllegalArgumentException e) {
                throw new SettingsException(name + " is not a valid URL: '" + value + "'");
            }
        }

        java.time.ZoneId zone(String name, String defaultValue) {
            String value = optional(name).orElse(defaultValue);
            try {
                return java.time.ZoneId.of(value);
            } catch (java.time.DateTimeException e) {
                throw new SettingsException(name + " must be an IANA time zone such as Europe/Paris, was '" + value + "'");
            }
        }

        RateLimit rateLimit(String name, String defaultValue) {
            String value = optional(name).orElse(defaultValue);
            try {
                return RateLimit.parse(value);
            } catch (IllegalArgumentException e) {
                throw new SettingsException(name + " " + e.getMessage());
            }
        }
    }
}
