package com.mallquest.core.domain.effects;

import java.util.Map;

/**
 * Triggers a reward effect for a user on behalf of the system (a credit's {@code coin_earned}, a
 * {@code level_up}). Implemented by the effects service; a publisher never fails the caller's write:
 * an effect that cannot be stored is logged and dropped.
 */
public interface EffectPublisher {

    /** Publishes effect {@code type} (a catalogue type such as {@code coin_earned}) for {@code userId}. */
    void publish(String userId, String type, Map<String, Object> data);
}
