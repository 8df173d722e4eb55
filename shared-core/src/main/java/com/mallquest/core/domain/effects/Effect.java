package com.mallquest.core.domain.effects;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.Map;

/**
 * One stored effect, as listed by {@code GET /effects}.
 *
 * @param effectId  unique id
 * @param type      catalogue wire name ({@code coin_earned})
 * @param data      what the renderer needs (bounded by {@link EffectData})
 * @param createdAt when it was triggered
 * @param expiresAt when it stops being active
 * @param sequence  trigger order within the target: epoch second × 10,000 + the per-second counter;
 *                  newest first and oldest-evicted-first both follow it
 */
public record Effect(String effectId, String type, Map<String, Object> data, Instant createdAt, Instant expiresAt,
                     long sequence) {

    @JsonIgnore
    public boolean isActiveAt(Instant now) {
        return expiresAt.isAfter(now);
    }
}
