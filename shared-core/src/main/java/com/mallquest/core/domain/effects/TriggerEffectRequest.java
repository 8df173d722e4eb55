package com.mallquest.core.domain.effects;

import com.mallquest.core.platform.errors.DomainException;

import java.util.Map;

/**
 * The body of {@code POST /effects}: {@code {"type":"coin_earned","durationSeconds":3,"data":{"coins":50}}}.
 * {@code userId} or {@code channel} (an admin only) sends the effect to another user or a screen channel;
 * by default it goes to the caller. Validated on construction: unknown type, a duration outside
 * {@code 1..max} of the type, oversized {@code data} or a malformed target are 400s naming the field.
 */
public record TriggerEffectRequest(String type, Integer durationSeconds, Map<String, Object> data,
                                   String userId, String channel) {

    public TriggerEffectRequest {
        if (type == null || type.isBlank()) {
            throw DomainException.invalid("type", "type is required; one of " + EffectType.wireNames());
        }
        EffectType effectType = EffectType.fromWireName(type).orElseThrow(() -> DomainException.invalid("type",
                "Unknown effect type '" + type + "'; one of " + EffectType.wireNames()));
        if (durationSeconds != null) {
            long max = effectType.maxDuration().toSeconds();
            if (durationSeconds < 1 || durationSeconds > max) {
                throw DomainException.invalid("durationSeconds",
                        "durationSeconds of " + effectType.wireName() + " must be between 1 and " + max);
            }
        }
        EffectData.check(data);
        if (userId != null && channel != null) {
            throw DomainException.invalid("channel", "Give userId or channel, not both");
        }
        if (userId != null && !EffectTarget.isValidUserId(userId)) {
            throw DomainException.invalid("userId", "userId must be 1-128 characters of letters, digits and ._@:+-");
        }
        if (channel != null && !EffectTarget.isValidChannel(channel)) {
            throw DomainException.invalid("channel", "channel must be 1-64 lower-case letters, digits and dashes");
        }
        data = data == null ? Map.of() : data;
    }

    public EffectType effectType() {
        return EffectType.fromWireName(type).orElseThrow();
    }
}
