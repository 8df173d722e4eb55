package com.mallquest.core.platform.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mallquest.local.testsupport.RedisRoundTrips;
import com.mallquest.local.testsupport.RedisServer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/** The fallback against a real Redis that is killed, restarted and paused in the middle of a test. */
class FallbackCacheFaultTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private RedisServer server;
    private RedisCache redis;

    @BeforeEach
    void start() {
        server = RedisServer.start();
        redis = RedisCache.create(new RedisOptions(server.uri(), false, TIMEOUT, null));
    }

    @AfterEach
    void stop() {
        redis.close();
        server.stop();
    }

    /** Reads a key straight from the server, on a fresh connection (pooled ones die with the server). */
    private String inRedis(String key) {
        try (RedisClient direct = RedisClient.create(server.uri())) {
            return direct.get(key);
        }
    }

    @Test
    void fallback_shouldServeFromMemory_whenRedisIsKilled_andGoBackToRedis_afterItRestarts() throws InterruptedException {
        // GIVEN a fallback cache on a live Redis, retrying every 300 ms
        FallbackCache cache = new FallbackCache(redis, new MemoryCache(), Duration.ofMillis(300));
        cache.set("mq:t:{a}:before", "1", Duration.ofMinutes(1));
        assertEquals("1", inRedis("mq:t:{a}:before"));
        assertEquals(Cache.Mode.REDIS, cache.mode());

        // WHEN Redis is killed (SIGKILL) mid-run
        server.kill();

        // THEN calls neither throw nor lose their effect: they are served from memory
        assertEquals(Optional.empty(), cache.get("mq:t:{a}:before"));
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());
        cache.set("mq:t:{a}:during", "2", Duration.ofMinutes(1));
        assertEquals(Optional.of("2"), cache.get("mq:t:{a}:during"));
        assertEquals(1, cache.increment("mq:t:{a}:n", 1, Duration.ofMinutes(1)));
        assertEquals(2, cache.increment("mq:t:{a}:n", 1, Duration.ofMinutes(1)));
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.probe());

        // WHEN Redis comes back on the same port
        server.restart();

        // THEN after the retry interval the cache is back on Redis by itself
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cache.mode() != Cache.Mode.REDIS && System.nanoTime() < deadline) {
            Thread.sleep(50);
            cache.get("mq:t:{a}:poll");
        }
        assertEquals(Cache.Mode.REDIS, cache.mode());
        cache.set("mq:t:{a}:after", "3", Duration.ofMinutes(1));
        assertEquals("3", inRedis("mq:t:{a}:after"));
        // and reads come from Redis (which lost everything in the crash), not from memory
        assertEquals(Optional.empty(), cache.get("mq:t:{a}:during"));
        assertEquals(1, cache.increment("mq:t:{a}:n", 1, Duration.ofMinutes(1)));
    }

    @Test
    void fallback_shouldNotCallRedis_untilTheRetryIntervalHasPassed() {
        // GIVEN a fallback cache with a controlled clock, whose Redis has failed once
        AtomicLong now = new AtomicLong();
        FallbackCache cache = new FallbackCache(redis, new MemoryCache(), Duration.ofSeconds(5), now::get);
        server.kill();
        cache.set("mq:t:{b}:k", "memory", Duration.ofMinutes(1));
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());

        // WHEN Redis is back but the interval has not passed
        server.restart();
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        cache.set("mq:t:{b}:k2", "still memory", Duration.ofMinutes(1));

        // THEN Redis was not called
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());
        assertNull(inRedis("mq:t:{b}:k2"));

        // WHEN the interval has passed
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        cache.set("mq:t:{b}:k3", "redis", Duration.ofMinutes(1));

        // THEN the call went to Redis and the cache is back on it
        assertEquals(Cache.Mode.REDIS, cache.mode());
        assertEquals("redis", inRedis("mq:t:{b}:k3"));
    }

    @Test
    void fallback_shouldReplayDeletesMadeDuringAnOutage_beforeServingFromRedisAgain() throws InterruptedException {
        // GIVEN a cached user view in Redis
        FallbackCache cache = new FallbackCache(redis, new MemoryCache(), Duration.ofMillis(200));
        cache.set("mq:user:{u:1}", "old view", Duration.ofMinutes(1));
        cache.set("mq:user:{u:2}", "old view", Duration.ofMinutes(1));
        cache.set("mq:keep:{u:3}", "kept", Duration.ofMinutes(1));

        // WHEN Redis stops answering (paused, its data kept) while the users are written and their views invalidated
        try (Jedis admin = new Jedis(server.uri())) {
            admin.clientPause(1_500);
        }
        cache.delete("mq:user:{u:1}");
        cache.deleteByPrefix("mq:user:{u:2}");
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());

        // AND Redis answers again after the pause
        Thread.sleep(1_700);

        // THEN the next call replays the invalidations: nobody is served the stale views
        assertEquals(Optional.empty(), cache.get("mq:user:{u:1}"));
        assertEquals(Cache.Mode.REDIS, cache.mode());
        assertNull(inRedis("mq:user:{u:1}"));
        assertNull(inRedis("mq:user:{u:2}"));
        assertEquals("kept", inRedis("mq:keep:{u:3}"));
    }

    @Test
    void fallback_shouldKeepBoardsLimitsAndLocks_whenMoreInvalidationsPiledUpThanItRemembers() throws InterruptedException {
        // GIVEN a board, a rate-limit window, the cleanup lock, a store's entry and 12,000 user views in Redis
        FallbackCache cache = new FallbackCache(redis, new MemoryCache(), Duration.ofMillis(200));
        cache.sortedAdd("mq:lb:{week:2026-W48:mall}:scores", 42, "ann", Duration.ofDays(30));
        cache.increment("mq:rl:receipts:{u:ann}:29012345", 3, Duration.ofMinutes(1));
        cache.set("mq:cleanup:{lock}", "run-1", Duration.ofMinutes(5));
        cache.set("mq:stores:{s:zara}", "zara, multiplier 1", Duration.ofMinutes(1));
        int views = FallbackCache.MAX_PENDING + 2_000;
        try (Jedis direct = new Jedis(server.uri())) {
            var pipeline = direct.pipelined();
            for (int i = 0; i < views; i++) {
                pipeline.set("mq:user:{u:" + i + "}", "old view");
            }
            pipeline.sync();
        }

        // WHEN Redis stops answering while every view is invalidated, and then the store's entry
        try (Jedis admin = new Jedis(server.uri())) {
            admin.clientPause(2_000);
        }
        for (int i = 0; i < views; i++) {
            cache.delete("mq:user:{u:" + i + "}");
        }
        cache.delete("mq:stores:{s:zara}");
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());
        Thread.sleep(2_300);
        RedisRoundTrips trips = RedisRoundTrips.of(server);

        // THEN the call that finds Redis back deletes what was invalidated, in a few pipelines
        assertEquals(Optional.empty(), cache.get("mq:stores:{s:zara}"));
        assertEquals(Cache.Mode.REDIS, cache.mode());
        long roundTrips = trips.take();
        // (a pipeline of 1,000 commands may be read, and answered, in a few pieces: far from one trip per key)
        assertTrue(roundTrips < views / 100, "round trips: " + roundTrips);
        assertNull(inRedis("mq:stores:{s:zara}"));
        assertNull(inRedis("mq:user:{u:0}"));
        // AND keeps what no write invalidated: the board, the rate-limit window and the lock
        assertEquals(Optional.of(42.0), cache.sortedScore("mq:lb:{week:2026-W48:mall}:scores", "ann"));
        assertEquals("3", inRedis("mq:rl:receipts:{u:ann}:29012345"));
        assertEquals("run-1", inRedis("mq:cleanup:{lock}"));
    }

    @Test
    void batch_shouldRunOnMemory_whenRedisIsDown_andItsDeletesBeReplayed_whenRedisIsBack() throws InterruptedException {
        // GIVEN a cached view and a counter in Redis
        FallbackCache cache = new FallbackCache(redis, new MemoryCache(), Duration.ofMillis(200));
        cache.set("mq:user:{u:9}", "old view", Duration.ofMinutes(1));
        assertEquals(Cache.Mode.REDIS, cache.mode());

        // WHEN Redis stops answering and a batch counts, reads and invalidates the view
        try (Jedis admin = new Jedis(server.uri())) {
            admin.clientPause(1_500);
        }
        CacheBatch batch = new CacheBatch();
        CacheBatch.Result<Long> count = batch.increment("mq:rl:{u:9}:1", 1, Duration.ofMinutes(1));
        CacheBatch.Result<Optional<String>> view = batch.get("mq:user:{u:9}");
        batch.delete("mq:user:{u:9}");
        cache.execute(batch);

        // THEN the whole batch ran on memory, nothing thrown
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());
        assertEquals(1L, count.get());
        assertEquals(Optional.empty(), view.get());

        // AND once Redis answers again, the batch's delete is replayed before Redis serves
        Thread.sleep(1_700);
        assertEquals(Optional.empty(), cache.get("mq:user:{u:9}"));
        assertEquals(Cache.Mode.REDIS, cache.mode());
        assertNull(inRedis("mq:user:{u:9}"));
    }

    @Test
    void fallback_shouldStartEachOutageWithEmptyMemory() {
        // GIVEN a value written to memory during a first outage, then Redis back
        AtomicLong now = new AtomicLong();
        FallbackCache cache = new FallbackCache(redis, new MemoryCache(), Duration.ofSeconds(1), now::get);
        server.kill();
        cache.set("mq:t:{c}:k", "from outage 1", Duration.ofMinutes(1));
        server.restart();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        cache.delete("mq:t:{c}:k"); // invalidated on Redis while memory is not used
        assertEquals(Cache.Mode.REDIS, cache.mode());

        // WHEN Redis fails again
        server.kill();

        // THEN memory does not serve the value left from the first outage
        assertEquals(Optional.empty(), cache.get("mq:t:{c}:k"));
        assertEquals(Cache.Mode.MEMORY_FALLBACK, cache.mode());
        assertTrue(cache.stats().misses() >= 1);
    }
}
