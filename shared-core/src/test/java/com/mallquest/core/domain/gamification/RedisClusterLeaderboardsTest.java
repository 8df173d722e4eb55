package com.mallquest.core.domain.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.cache.Cache;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.domain.ledger.Ledger;
import com.mallquest.core.testing.MutableClock;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The leaderboards on a 3-master Redis Cluster with the cluster client (the ElastiCache Serverless shape): boards of
 * many periods and stores land in different slots, each board's two keys in one, and no script crosses slots. The
 * cache must still be on Redis at the end: a CROSSSLOT error would have sent it to the memory fallback.
 */
class RedisClusterLeaderboardsTest {

    @RegisterExtension
    static final OwnRedis<RedisCluster> cluster = OwnRedis.cluster(3);

    @Test
    void boardsOfEveryPeriodAndStore_shouldCountOnceAndRank_onACluster() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        Platform core = TestStack.withClock(Platform.fromEnvironment(cluster.environment()), clock);
        Gamification game = new Services(core, (userId, type, data) -> { }).gamification();
        Ledger ledger = new Services(core).ledger();
        List<String> stores = List.of("zara", "hm", "nike", "lego", "boots");
        for (int i = 0; i < 25; i++) {
            String store = stores.get(i % stores.size());
            var result = ledger.credit(new Credit("u" + (i % 4), "receipt:" + store + ":C" + i, 10, 10 + i, CreditKind.RECEIPT,
                    Map.of("storeId", store, "receiptId", "C" + i, "amount", "10.00")));
            game.onCredited(result);
            game.onCredited(result); // a replay
            clock.advance(Duration.ofHours(9));
        }
        Leaderboards boards = game.leaderboards();
        long total = 0;
        for (int u = 0; u < 4; u++) {
            total += boards.standing("u" + u, Period.ALL, null, null).score();
        }
        assertEquals(25 * 10 + (24 * 25) / 2, total, "every credit once, over every board's slot");
        assertEquals(4, boards.top(Period.ALL, null, null, 10).entries().size());
        assertEquals(Cache.Mode.REDIS, core.cache().mode(), "no call failed over to memory (no CROSSSLOT)");
    }
}
