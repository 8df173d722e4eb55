package com.mallquest.core.domain.effects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.CacheBatch;
import com.mallquest.core.platform.cache.CacheKeys;
import com.mallquest.core.platform.config.Settings;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.platform.json.Json;
import com.mallquest.logging.Log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Throttled, capped, expiring reward effects (the seed's graphics-effect engine), stored in the cache.
 *
 * <p><b>Storage.</b> Each target (a user or a screen channel, see {@link EffectTarget}) has one sorted set
 * whose members are the effects' JSON and whose scores are their expiry in epoch milliseconds, so
 * "active" is the score range {@code (now, +inf)}: an expired effect is never returned, whether or not
 * anything removed it yet. The set's key lives as long as the longest effect type may, and every trigger
 * drops the target's expired members. An index sorted set ({@link #INDEX_KEY}, member = target label,
 * score = the latest expiry written for it) tells the cleanup job which targets hold effects without
 * scanning the keyspace.
 *
 * <p><b>Throttle.</b> At most {@code EFFECTS_MAX_PER_SECOND} triggers per target per clock second (a
 * fixed one-second window counted with an atomic increment); beyond it the request is refused with 429
 * and {@code Retry-After: 1}. Refusing rather than coalescing into the newest effect of the same type:
 * {@code data} is free-form, so there is no merge rule that is right for every type, and a silently
 * merged request would answer 202 for an effect that never shows; a 429 is exact and visible to the
 * client. The per-second counter also orders effects across containers (see {@link Effect#sequence()}).
 *
 * <p><b>Cap.</b> At most {@code EFFECTS_MAX_ACTIVE} active effects per target; when a trigger goes
 * beyond it the oldest (lowest sequence) are evicted.
 *
 * <p>As an {@link EffectPublisher} (called by receipt credits) it never throws: an effect that is
 * throttled or cannot be stored is logged and dropped.
 */
public final class EffectsService implements EffectPublisher {
    private static final Log LOG = Log.of(EffectsService.class);

    static final String KEY_AREA = "fx";
    /** Index of targets holding effects: member {@code user:<id>} / {@code channel:<name>}, score = latest expiry (ms). */
    public static final String INDEX_KEY = CacheKeys.build(KEY_AREA, "fx-index", "targets");

    private static final Duration RATE_KEY_TTL = Duration.ofSeconds(2);
    private static final long SEQUENCE_SLOTS_PER_SECOND = 10_000;

    private final Cache cache;
    private final Clock clock;
    private final int maxPerSecond;
    private final int maxActive;
    private final Duration setTtl;

    /** The service with the limits of {@code settings} ({@code EFFECTS_MAX_PER_SECOND}, {@code EFFECTS_MAX_ACTIVE}). */
    public EffectsService(Cache cache, Clock clock, Settings settings) {
        this(cache, clock, settings.effectsMaxPerSecond(), settings.effectsMaxActive());
    }

    public EffectsService(Cache cache, Clock clock, int maxPerSecond, int maxActive) {
        if (maxPerSecond < 1 || maxPerSecond >= SEQUENCE_SLOTS_PER_SECOND) {
            throw new IllegalArgumentException("maxPerSecond must be 1.." + (SEQUENCE_SLOTS_PER_SECOND - 1));
        }
        this.cache = cache;
        this.clock = clock;
        this.maxPerSecond = maxPerSecond;
        this.maxActive = maxActive;
        this.setTtl = EffectType.longestMaxDuration().plusSeconds(5);
    }

    /** The result of a successful trigger ({@code 202} body of {@code POST /effects}). */
    public record Triggered(String effectId, String type, String target, Instant expiresAt) { }

    /** The caller's effects (or another target's), newest first ({@code GET /effects}). */
    public record ActiveEffects(String target, List<Effect> effects) { }

    /**
     * {@code POST /effects}: stores the effect for the caller, or for {@code userId}/{@code channel} when the
     * caller is an admin (anyone else naming another target: 403).
     */
    public Triggered trigger(Caller caller, TriggerEffectRequest request) {
        EffectTarget target = targetOf(caller, request);
        EffectType type = request.effectType();
        Duration duration = request.durationSeconds() == null
                ? type.defaultDuration() : Duration.ofSeconds(request.durationSeconds());
        Effect effect = store(target, type, duration, request.data())
                .orElseThrow(() -> DomainException.tooMany("rate_limited",
                        "At most " + maxPerSecond + " effects per second for " + target.label(), Duration.ofSeconds(1)));
        return new Triggered(effect.effectId(), effect.type(), target.label(), effect.expiresAt());
    }

    private static EffectTarget targetOf(Caller caller, TriggerEffectRequest request) {
        if (request.channel() != null) {
            requireAdmin(caller, "Only administrators may send effects to a screen channel");
            return EffectTarget.channel(request.channel());
        }
        if (request.userId() != null && !request.userId().equals(caller.userId())) {
            requireAdmin(caller, "Only administrators may send effects to another user");
            return EffectTarget.user(request.userId());
        }
        return EffectTarget.user(caller.userId());
    }

    private static void requireAdmin(Caller caller, String message) {
        if (!caller.isAdmin()) {
            throw DomainException.forbidden("forbidden", message);
        }
    }

    /**
     * {@code GET /effects}: the active effects of the caller; {@code channel} reads a screen channel (any
     * signed-in caller: screens are public displays); {@code userId} another user (admins only).
     */
    public ActiveEffects active(Caller caller, Optional<String> userId, Optional<String> channel) {
        EffectTarget target;
        if (channel.isPresent()) {
            if (!EffectTarget.isValidChannel(channel.get())) {
                throw DomainException.invalid("channel", "channel must be 1-64 lower-case letters, digits and dashes");
            }
            target = EffectTarget.channel(channel.get());
        } else if (userId.isPresent() && !userId.get().equals(caller.userId())) {
            requireAdmin(caller, "Only administrators may read another user's effects");
            if (!EffectTarget.isValidUserId(userId.get())) {
                throw DomainException.invalid("userId", "userId must be 1-128 characters of letters, digits and ._@:+-");
            }
            target = EffectTarget.user(userId.get());
        } else {
            target = EffectTarget.user(caller.userId());
        }
        return new ActiveEffects(target.label(), activeEffects(target));
    }

    /** The active effects of {@code target}, newest first. */
    public List<Effect> activeEffects(EffectTarget target) {
        Instant now = clock.instant();
        List<Effect> effects = new ArrayList<>();
        for (Cache.ScoredMember m : cache.sortedRangeByScore(target.activeKey(), now.toEpochMilli() + 1,
                Double.POSITIVE_INFINITY, true, maxActive)) {
            parse(m.member()).filter(e -> e.isActiveAt(now)).ifPresent(effects::add);
        }
        effects.sort(Comparator.comparingLong(Effect::sequence).reversed());
        return effects;
    }

    /** {@inheritDoc} Never throws: a throttled or unstorable effect is logged and dropped. */
    @Override
    public void publish(String userId, String type, Map<String, Object> data) {
        try {
            EffectType effectType = EffectType.fromWireName(type)
                    .orElseThrow(() -> new IllegalArgumentException("unknown effect type " + type));
            EffectData.check(data);
            Optional<Effect> stored = store(EffectTarget.user(userId), effectType, effectType.defaultDuration(),
                    data == null ? Map.of() : data);
            if (stored.isEmpty()) {
                LOG.info("effect dropped: throttled", "effectType", type, "userId", userId);
            }
        } catch (RuntimeException e) {
            LOG.warn("effect dropped", e, "effectType", type, "userId", userId);
        }
    }

    /** Throttles, stores, trims expired members and applies the cap; empty when throttled. */
    private Optional<Effect> store(EffectTarget target, EffectType type, Duration duration, Map<String, Object> data) {
        Instant now = clock.instant();
        long second = now.getEpochSecond();
        long count = cache.increment(target.rateKey(second), 1, RATE_KEY_TTL);
        if (count > maxPerSecond) {
            return Optional.empty();
        }
        Effect effect = new Effect(UUID.randomUUID().toString(), type.wireName(), data, now, now.plus(duration),
                second * SEQUENCE_SLOTS_PER_SECOND + count);
        String key = target.activeKey();
        // One round trip: the target's set (added to, trimmed, then counted, in that order: one hash tag) and the index.
        CacheBatch batch = new CacheBatch();
        batch.sortedAdd(key, effect.expiresAt().toEpochMilli(), Json.write(effect), setTtl);
        batch.sortedAdd(INDEX_KEY, effect.expiresAt().toEpochMilli(), target.label(), setTtl);
        batch.sortedRemoveByScore(key, Double.NEGATIVE_INFINITY, now.toEpochMilli());
        CacheBatch.Result<Long> size = batch.sortedSize(key);
        cache.execute(batch);
        enforceCap(key, size.get());
        return Optional.of(effect);
    }

    /** Evicts the oldest effects (lowest sequence) beyond {@code maxActive}, {@code size} being the set's size now. */
    private void enforceCap(String key, long size) {
        if (size <= maxActive) {
            return;
        }
        List<Cache.ScoredMember> all = cache.sortedRangeByScore(key, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, false, (int) Math.min(Integer.MAX_VALUE, size));
        List<String> oldestFirst = all.stream()
                .map(Cache.ScoredMember::member)
                .sorted(Comparator.comparingLong(EffectsService::sequenceOf))
                .toList();
        int excess = oldestFirst.size() - maxActive;
        if (excess > 0) {
            cache.sortedRemove(key, oldestFirst.subList(0, excess));
        }
    }

    /**
     * Cleanup: removes expired effects of up to {@code maxTargets} targets whose latest expiry has passed,
     * oldest first, and takes them off the index. Idempotent; what is left waits for the next run.
     */
    public CleanupResult removeExpired(int maxTargets) {
        long now = clock.millis();
        List<Cache.ScoredMember> due = cache.sortedRangeByScore(INDEX_KEY, Double.NEGATIVE_INFINITY, now, false, maxTargets);
        long removed = 0;
        List<String> done = new ArrayList<>();
        for (Cache.ScoredMember m : due) {
            EffectTarget target;
            try {
                target = EffectTarget.fromLabel(m.member());
            } catch (IllegalArgumentException e) {
                done.add(m.member()); // not ours: drop it from the index
                continue;
            }
            removed += cache.sortedRemoveByScore(target.activeKey(), Double.NEGATIVE_INFINITY, now);
            done.add(m.member());
        }
        // A target re-triggered between the read above and this removal loses its index entry; that is
        // benign: its set's key expires by itself and every trigger drops expired members and re-indexes.
        cache.sortedRemove(INDEX_KEY, done);
        long remaining = cache.sortedRangeByScore(INDEX_KEY, Double.NEGATIVE_INFINITY, now, false, 1).size();
        return new CleanupResult(due.size(), removed, remaining > 0);
    }

    /** What one cleanup pass did: targets visited, expired effects removed, whether due targets remain. */
    public record CleanupResult(int targetsVisited, long expiredEffectsRemoved, boolean moreDue) { }

    private static Optional<Effect> parse(String member) {
        try {
            return Optional.of(Json.MAPPER.readValue(member, Effect.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private static long sequenceOf(String member) {
        return parse(member).map(Effect::sequence).orElse(Long.MIN_VALUE);
    }
}
