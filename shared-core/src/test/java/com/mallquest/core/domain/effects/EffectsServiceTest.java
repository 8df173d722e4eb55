package com.mallquest.core.domain.effects;

import com.mallquest.core.platform.identity.Caller;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.cache.MemoryCache;
import com.mallquest.core.platform.errors.DomainException;
import com.mallquest.core.api.http.DomainErrors;
import com.mallquest.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The effect rules against one cache adapter. {@link MemoryEffectsServiceTest} and
 * {@link RedisEffectsServiceTest} run them on the in-memory cache and on a real redis-server.
 */
abstract class EffectsServiceTest {

    /** A fresh cache (or a shared one: every test uses its own user ids). */
    abstract Cache cache();

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00.250Z"));
    final String alice = "alice-" + UUID.randomUUID();
    final Caller aliceCaller = new Caller(alice, Set.of());
    final Caller admin = new Caller("admin-" + UUID.randomUUID(), Set.of("admin"));

    EffectsService service(int maxPerSecond, int maxActive) {
        return new EffectsService(cache(), clock, maxPerSecond, maxActive);
    }

    static TriggerEffectRequest request(String type, Integer seconds) {
        return new TriggerEffectRequest(type, seconds, Map.of("coins", 50), null, null);
    }

    List<String> activeIds(EffectsService service, String userId) {
        return service.activeEffects(EffectTarget.user(userId)).stream().map(Effect::effectId).toList();
    }

    @Test
    void trigger_shouldStoreForCaller_andListNewestFirst() {
        // GIVEN a service with room for everything
        EffectsService service = service(5, 100);
        // WHEN alice triggers two effects in the same second and one in the next
        var first = service.trigger(aliceCaller, request("coin_earned", 5));
        var second = service.trigger(aliceCaller, request("level_up", null));
        clock.advance(Duration.ofSeconds(1));
        var third = service.trigger(aliceCaller, request("badge_unlocked", null));
        // THEN the answer names the effect, its target and its expiry (default duration when none given)
        assertEquals("user:" + alice, first.target());
        assertEquals("coin_earned", first.type());
        assertEquals(Instant.parse("2026-11-25T10:00:05.250Z"), first.expiresAt());
        assertEquals(Instant.parse("2026-11-25T10:00:05.250Z"), second.expiresAt(), "level_up default is 5 s");
        // AND the list is newest first, with type and data
        var listed = service.active(aliceCaller, Optional.empty(), Optional.empty());
        assertEquals(List.of(third.effectId(), second.effectId(), first.effectId()),
                listed.effects().stream().map(Effect::effectId).toList());
        assertEquals(50, ((Number) listed.effects().get(2).data().get("coins")).intValue());
        assertEquals("coin_earned", listed.effects().get(2).type());
    }

    @Test
    void trigger_shouldAllowExactlyMaxPerSecond_andRefuseTheNextWith429() {
        // GIVEN a limit of 3 per second
        EffectsService service = service(3, 100);
        // WHEN alice triggers 3 effects within one second
        for (int i = 0; i < 3; i++) {
            service.trigger(aliceCaller, request("coin_earned", null));
        }
        // THEN the 4th in that second is refused with 429 and Retry-After
        DomainException refused = assertThrows(DomainException.class, () -> service.trigger(aliceCaller, request("coin_earned", null)));
        assertEquals(429, DomainErrors.status(refused.kind()));
        assertEquals("1", DomainErrors.response(refused).headers().get("Retry-After"));
        // AND the refused one was not stored
        assertEquals(3, activeIds(service, alice).size());
        // AND another user is not affected by alice's throttle
        String bob = "bob-" + UUID.randomUUID();
        service.trigger(new Caller(bob, Set.of()), request("coin_earned", null));
        // AND the next second accepts again
        clock.advance(Duration.ofSeconds(1));
        service.trigger(aliceCaller, request("coin_earned", null));
        assertEquals(4, activeIds(service, alice).size());
    }

    @Test
    void trigger_shouldKeepAtMostMaxActive_evictingTheOldest() {
        // GIVEN a cap of 3 active effects and long-lived effects
        EffectsService service = service(10, 3);
        List<String> ids = new ArrayList<>();
        // WHEN alice triggers 3 (the cap): a long promo first, then shorter ones
        ids.add(service.trigger(aliceCaller, request("store_promo", 60)).effectId());
        ids.add(service.trigger(aliceCaller, request("coin_earned", 10)).effectId());
        ids.add(service.trigger(aliceCaller, request("coin_earned", 10)).effectId());
        // THEN all 3 are active
        assertEquals(List.of(ids.get(2), ids.get(1), ids.get(0)), activeIds(service, alice));
        // WHEN a 4th is triggered
        ids.add(service.trigger(aliceCaller, request("coin_earned", 10)).effectId());
        // THEN the oldest (the promo, though it expires last) is evicted and 3 remain
        assertEquals(List.of(ids.get(3), ids.get(2), ids.get(1)), activeIds(service, alice));
    }

    @Test
    void active_shouldNeverReturnExpiredEffects_evenBeforeAnythingRemovesThem() {
        // GIVEN a 2-second effect and a 10-second one
        EffectsService service = service(5, 100);
        var shortOne = service.trigger(aliceCaller, request("coin_earned", 2));
        var longOne = service.trigger(aliceCaller, request("coin_earned", 10));
        // WHEN 1.999 s pass THEN both are active
        clock.advance(Duration.ofMillis(1999));
        assertEquals(List.of(longOne.effectId(), shortOne.effectId()), activeIds(service, alice));
        // WHEN the short one reaches its expiry THEN it is no longer returned
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of(longOne.effectId()), activeIds(service, alice));
        // WHEN the long one expires too THEN nothing is returned
        clock.advance(Duration.ofSeconds(8));
        assertEquals(List.of(), activeIds(service, alice));
    }

    @Test
    void trigger_shouldLetOnlyAdminsTargetOthersAndChannels() {
        EffectsService service = service(5, 100);
        String bob = "bob-" + UUID.randomUUID();
        String channel = "food-court-" + UUID.randomUUID().toString().substring(0, 8);
        // WHEN a plain user targets bob or a channel THEN 403
        assertEquals(403, DomainErrors.status(assertThrows(DomainException.class, () -> service.trigger(aliceCaller,
                new TriggerEffectRequest("coin_earned", null, null, bob, null))).kind()));
        assertEquals(403, DomainErrors.status(assertThrows(DomainException.class, () -> service.trigger(aliceCaller,
                new TriggerEffectRequest("store_promo", null, null, null, channel))).kind()));
        assertEquals(List.of(), activeIds(service, bob));
        // AND a user naming itself is fine
        service.trigger(aliceCaller, new TriggerEffectRequest("coin_earned", null, null, alice, null));
        // WHEN an admin targets bob and the channel THEN they land there
        var toBob = service.trigger(admin, new TriggerEffectRequest("coin_earned", null, null, bob, null));
        var toChannel = service.trigger(admin, new TriggerEffectRequest("store_promo", null, Map.of("storeId", "s1"), null, channel));
        assertEquals("user:" + bob, toBob.target());
        assertEquals(List.of(toBob.effectId()), activeIds(service, bob));
        // AND any signed-in caller (a screen) reads the channel, but only an admin reads another user
        assertEquals(List.of(toChannel.effectId()), service.active(aliceCaller, Optional.empty(), Optional.of(channel))
                .effects().stream().map(Effect::effectId).toList());
        assertEquals(403, DomainErrors.status(assertThrows(DomainException.class,
                () -> service.active(aliceCaller, Optional.of(bob), Optional.empty())).kind()));
        assertEquals(1, service.active(admin, Optional.of(bob), Optional.empty()).effects().size());
    }

    @Test
    void publish_shouldStoreForUser_andNeverThrow_whenThrottledOrInvalid() {
        EffectsService service = service(2, 100);
        // WHEN the system publishes 3 effects in one second, one of an unknown type
        service.publish(alice, "coin_earned", Map.of("coins", 10));
        service.publish(alice, "no_such_type", Map.of());
        service.publish(alice, "level_up", Map.of("level", 2));
        service.publish(alice, "coin_earned", Map.of("coins", 11)); // beyond 2/s: dropped
        // THEN nothing was thrown and the 2 valid ones within the limit are active, newest first
        var effects = service.activeEffects(EffectTarget.user(alice));
        assertEquals(List.of("level_up", "coin_earned"), effects.stream().map(Effect::type).toList());
    }

    @Test
    void removeExpired_shouldWorkThroughABacklogInBoundedRuns_andBeIdempotent() {
        // GIVEN (at a time before every other test's effects, which share the index in a shared Redis)
        // 25 users each holding one 2-second effect, and one user with a long effect
        clock.set(Instant.parse("2001-01-01T00:00:00Z"));
        EffectsService service = service(5, 100);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String u = "cleanup-" + i + "-" + UUID.randomUUID();
            users.add(u);
            service.trigger(new Caller(u, Set.of()), request("coin_earned", 2));
        }
        String keeper = "keeper-" + UUID.randomUUID();
        var kept = service.trigger(new Caller(keeper, Set.of()), request("store_promo", 60));
        clock.advance(Duration.ofSeconds(3));
        // WHEN cleanup runs with a bound of 10 targets per run
        Supplier<EffectsService.CleanupResult> run = () -> service.removeExpired(10);
        var first = run.get();
        // THEN each run does at most 10 and says more is due until the backlog is gone
        assertEquals(10, first.targetsVisited());
        assertEquals(10, first.expiredEffectsRemoved());
        assertTrue(first.moreDue());
        var second = run.get();
        var third = run.get();
        assertEquals(10, second.expiredEffectsRemoved());
        assertEquals(5, third.expiredEffectsRemoved());
        assertFalse(third.moreDue());
        // AND the expired members are really gone from the stored sets
        for (String u : users) {
            assertEquals(0, cache().sortedSize(EffectTarget.user(u).activeKey()), u);
        }
        // AND the active effect is untouched, and a further run is a no-op
        assertEquals(List.of(kept.effectId()), activeIds(service, keeper));
        assertEquals(0, run.get().expiredEffectsRemoved());
    }

    @Test
    void request_shouldRejectUnknownTypeBadDurationAndOversizedData() {
        assertEquals("type", assertThrows(DomainException.class, () -> request("fireworks", null)).field());
        assertEquals("durationSeconds", assertThrows(DomainException.class, () -> request("coin_earned", 11)).field());
        assertEquals("durationSeconds", assertThrows(DomainException.class, () -> request("coin_earned", 0)).field());
        request("coin_earned", 10); // the maximum itself is fine
        Map<String, Object> deep = Map.of("a", Map.of("b", Map.of("c", Map.of("d", 1))));
        assertEquals("data", assertThrows(DomainException.class,
                () -> new TriggerEffectRequest("coin_earned", null, deep, null, null)).field());
        new TriggerEffectRequest("coin_earned", null, Map.of("a", Map.of("b", List.of(1))), null, null); // depth 3 is fine
        Map<String, Object> big = Map.of("text", "x".repeat(EffectData.MAX_BYTES));
        assertEquals("data", assertThrows(DomainException.class,
                () -> new TriggerEffectRequest("coin_earned", null, big, null, null)).field());
        assertEquals("channel", assertThrows(DomainException.class,
                () -> new TriggerEffectRequest("coin_earned", null, null, null, "Food Court")).field());
    }
}
