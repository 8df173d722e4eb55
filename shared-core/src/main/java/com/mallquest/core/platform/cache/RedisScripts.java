package com.mallquest.core.platform.cache;

/**
 * The Lua scripts behind the {@link RedisCache} operations that must be atomic. Each touches one key
 * ({@code KEYS[1]}), so it runs in that key's slot in cluster mode.
 */
final class RedisScripts {
    private RedisScripts() { }

    /**
     * INCRBY, and a TTL when the key has none (it was just created): the expiry is set once, never extended.
     * ARGV: delta, ttl in ms. Returns the new value.
     */
    static final String INCREMENT_WITH_TTL = """
            local value = redis.call('INCRBY', KEYS[1], ARGV[1])
            if redis.call('PTTL', KEYS[1]) == -1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return value
            """;

    /** HINCRBY, and a TTL on the hash when it has none. ARGV: field, delta, ttl in ms. Returns the field's new value. */
    static final String HASH_INCREMENT_WITH_TTL = """
            local value = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
            if redis.call('PTTL', KEYS[1]) == -1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
            end
            return value
            """;

    /**
     * Several HINCRBYs on one hash, and a TTL on it when it has none. ARGV: ttl in ms, then field, delta pairs.
     */
    static final String HASH_INCREMENT_ALL_WITH_TTL = """
            for i = 2, #ARGV, 2 do
              redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            if redis.call('PTTL', KEYS[1]) == -1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            return 1
            """;

    /** ZADD and PEXPIRE together, so a sorted set never lives without an expiry. ARGV: score, member, ttl in ms. */
    static final String SORTED_ADD_WITH_TTL = """
            redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
            """;

    /** Removes the lowest-ranked members beyond the {@code ARGV[1]} highest. Returns how many were removed. */
    static final String SORTED_KEEP_HIGHEST = """
            local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[1])
            if excess <= 0 then
              return 0
            end
            return redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
            """;

    /**
     * {@link Cache#rankedAddOnce}: KEYS = ranked set, markers (a sorted set: marker → when it was counted, plus one
     * sentinel {@code ~<member>} scored +inf per member whose markers it holds); ARGV = marker, member, points, tick,
     * expire-at ms, 2^TICK_BITS, marked-at ms, markers-from ms. Refuses (0) an addition older than markers-from, a
     * marker counted before, and any addition for a member that has a score but no sentinel (its markers were lost:
     * only a rebuild may restore it). Otherwise adds the marker and the sentinel, drops markers older than
     * markers-from, recombines the score (points summed, the latest tick kept) and returns 1.
     */
    static final String RANKED_ADD_ONCE = """
            if tonumber(ARGV[7]) < tonumber(ARGV[8]) then
              return 0
            end
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('DEL', KEYS[2])
            end
            local old = redis.call('ZSCORE', KEYS[1], ARGV[2])
            local sentinel = '~' .. ARGV[2]
            if old and not redis.call('ZSCORE', KEYS[2], sentinel) then
              return 0
            end
            if redis.call('ZADD', KEYS[2], 'NX', ARGV[7], ARGV[1]) == 0 then
              return 0
            end
            redis.call('ZADD', KEYS[2], '+inf', sentinel)
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[8])
            local scale = tonumber(ARGV[6])
            local maxTick = scale - 1
            local points = tonumber(ARGV[3])
            local tick = tonumber(ARGV[4])
            if old then
              old = tonumber(old)
              local oldPoints = math.floor(old / scale)
              local oldTick = maxTick - (old - oldPoints * scale)
              points = points + oldPoints
              if oldTick > tick then
                tick = oldTick
              end
            end
            redis.call('ZADD', KEYS[1], string.format('%.0f', points * scale + (maxTick - tick)), ARGV[2])
            redis.call('PEXPIREAT', KEYS[1], ARGV[5])
            redis.call('PEXPIREAT', KEYS[2], ARGV[5])
            return 1
            """;

    /**
     * {@link Cache#rankedSet}: KEYS = ranked set, markers; ARGV = member, score, expire-at ms, markers-from ms, then
     * marked-at ms / marker pairs. Sets the member's score, adds the markers not older than markers-from and the
     * member's sentinel, drops older markers. Returns 1 when the score changed, 0 when it was already that.
     */
    static final String RANKED_SET = """
            if redis.call('EXISTS', KEYS[1]) == 0 then
              redis.call('DEL', KEYS[2])
            end
            local old = redis.call('ZSCORE', KEYS[1], ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
            for i = 5, #ARGV, 2 do
              if tonumber(ARGV[i]) >= tonumber(ARGV[4]) then
                redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i + 1])
              end
            end
            redis.call('ZADD', KEYS[2], '+inf', '~' .. ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
            redis.call('PEXPIREAT', KEYS[1], ARGV[3])
            redis.call('PEXPIREAT', KEYS[2], ARGV[3])
            if old and tonumber(old) == tonumber(ARGV[2]) then
              return 0
            end
            return 1
            """;
}
