package com.mallquest.core.domain.effects;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The catalogue of reward effects a phone or a mall screen knows how to render, each with the duration
 * used when a request names none and the longest one it may ask for.
 */
public enum EffectType {
    /** Coins landed on the balance (published by every receipt credit). */
    COIN_EARNED("coin_earned", Duration.ofSeconds(3), Duration.ofSeconds(10)),
    /** The user reached a new level. */
    LEVEL_UP("level_up", Duration.ofSeconds(5), Duration.ofSeconds(15)),
    /** A badge was unlocked. */
    BADGE_UNLOCKED("badge_unlocked", Duration.ofSeconds(5), Duration.ofSeconds(15)),
    /** A reward was bought with coins; its coupon is ready (published by every first redemption). */
    REWARD_REDEEMED("reward_redeemed", Duration.ofSeconds(5), Duration.ofSeconds(15)),
    /** A store's staff accepted the user's coupon. */
    COUPON_USED("coupon_used", Duration.ofSeconds(3), Duration.ofSeconds(10)),
    /** A store's promotion shown on a screen or phone. */
    STORE_PROMO("store_promo", Duration.ofSeconds(10), Duration.ofSeconds(60));

    private final String wireName;
    private final Duration defaultDuration;
    private final Duration maxDuration;

    EffectType(String wireName, Duration defaultDuration, Duration maxDuration) {
        this.wireName = wireName;
        this.defaultDuration = defaultDuration;
        this.maxDuration = maxDuration;
    }

    /** The name used in requests and responses, e.g. {@code coin_earned}. */
    public String wireName() { return wireName; }

    public Duration defaultDuration() { return defaultDuration; }

    public Duration maxDuration() { return maxDuration; }

    /** The type named {@code name} (exact wire name, case-insensitive). */
    public static Optional<EffectType> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wanted)).findFirst();
    }

    /** The wire names, comma separated, for error messages. */
    public static String wireNames() {
        return Arrays.stream(values()).map(EffectType::wireName).collect(Collectors.joining(", "));
    }

    /** The longest duration any effect may have: stored effect sets never need to live longer. */
    public static Duration longestMaxDuration() {
        return Arrays.stream(values()).map(EffectType::maxDuration).max(Duration::compareTo).orElseThrow();
    }
}
