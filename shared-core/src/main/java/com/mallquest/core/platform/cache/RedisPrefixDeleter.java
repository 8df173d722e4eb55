package com.mallquest.core.platform.cache;

import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.Pool;

import java.util.ArrayList;
import java.util.List;

/**
 * Deletes every key with a prefix: SCAN (never KEYS, which blocks the server) on each master node, then
 * UNLINK of the keys found, one command per key in a pipeline so that keys of different slots never meet in
 * one command (cluster mode forbids that).
 */
final class RedisPrefixDeleter {
    private static final int SCAN_COUNT = 500;

    private RedisPrefixDeleter() { }

    static long deleteByPrefix(RedisConnection connection, String prefix) {
        String pattern = escapeGlob(prefix) + "*";
        long deleted = 0;
        for (Pool<Connection> pool : connection.nodePools()) {
            try (Connection node = pool.getResource()) {
                Jedis jedis = new Jedis(node);
                if (connection.options().cluster() && !jedis.info("replication").contains("role:master")) {
                    continue; // a replica holds copies; deleting happens on its master
                }
                deleted += deleteOnNode(jedis, pattern);
            }
        }
        return deleted;
    }

    private static long deleteOnNode(Jedis jedis, String pattern) {
        ScanParams params = new ScanParams().match(pattern).count(SCAN_COUNT);
        String cursor = ScanParams.SCAN_POINTER_START;
        long deleted = 0;
        do {
            ScanResult<String> page = jedis.scan(cursor, params);
            cursor = page.getCursor();
            if (!page.getResult().isEmpty()) {
                Pipeline pipeline = jedis.pipelined();
                List<Response<Long>> responses = new ArrayList<>();
                for (String key : page.getResult()) {
                    responses.add(pipeline.unlink(key));
                }
                pipeline.sync();
                for (Response<Long> r : responses) {
                    deleted += r.get();
                }
            }
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return deleted;
    }

    /** Escapes the glob characters of SCAN MATCH so that the prefix matches literally. */
    static String escapeGlob(String prefix) {
        StringBuilder sb = new StringBuilder(prefix.length() + 8);
        for (char c : prefix.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
