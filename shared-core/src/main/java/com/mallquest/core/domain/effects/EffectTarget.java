package com.mallquest.core.domain.effects;

import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.CacheKeys;

import java.util.regex.Pattern;

/**
 * Whose screen shows an effect: one user's devices ({@code user:<id>}) or a mall screen channel
 * ({@code channel:<name>}). Each target's keys share one Redis Cluster hash tag ({@code {u:<id>}} for a
 * user, the same tag as the user's other keys; {@code {c:<name>}} for a channel).
 */
public record EffectTarget(Kind kind, String id) {

    /** The two kinds of target. */
    public enum Kind { USER, CHANNEL }

    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    public EffectTarget {
        if (kind == Kind.USER ? !Caller.isValidUserId(id) : !isValidChannel(id)) {
            throw new IllegalArgumentException("invalid " + kind + " target id");
        }
    }

    public static EffectTarget user(String userId) {
        return new EffectTarget(Kind.USER, userId);
    }

    public static EffectTarget channel(String name) {
        return new EffectTarget(Kind.CHANNEL, name);
    }

    static boolean isValidUserId(String id) {
        return Caller.isValidUserId(id);
    }

    static boolean isValidChannel(String name) {
        return name != null && CHANNEL.matcher(name).matches();
    }

    /** The hash tag of this target's keys, without braces ({@code u:<id>} or {@code c:<name>}). */
    String tag() {
        return (kind == Kind.USER ? "u:" : "c:") + id;
    }

    /** The sorted set of active effects: member = the effect's JSON, score = its expiry in epoch millis. */
    String activeKey() {
        return CacheKeys.build(EffectsService.KEY_AREA, tag(), "active");
    }

    /** The per-second trigger counter of this target. */
    String rateKey(long epochSecond) {
        return CacheKeys.build(EffectsService.KEY_AREA, tag(), "rate", Long.toString(epochSecond));
    }

    /** How the target is named in the index of targets with effects and in responses. */
    String label() {
        return (kind == Kind.USER ? "user:" : "channel:") + id;
    }

    /** The target a {@link #label()} names. */
    static EffectTarget fromLabel(String label) {
        if (label.startsWith("user:")) {
            return user(label.substring(5));
        }
        if (label.startsWith("channel:")) {
            return channel(label.substring(8));
        }
        throw new IllegalArgumentException("not an effect target label: " + label);
    }
}
