package com.mallquest.functions.getuser;

import com.mallquest.core.api.lambda.Services;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.platform.wiring.Platform;
import com.mallquest.core.domain.ledger.Credit;
import com.mallquest.core.domain.ledger.CreditKind;
import com.mallquest.core.testing.ApiEvents;
import com.mallquest.core.testing.OwnRedis;
import com.mallquest.core.testing.RecordingDynamoDb;
import com.mallquest.core.testing.TestStack;
import com.mallquest.local.testsupport.RedisRoundTrips;
import com.mallquest.local.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What one cached {@code GET /users/me} costs in round trips, counted where they land: the DynamoDB requests the
 * handler's client sends and the replies the real redis-server writes ({@link RedisRoundTrips}). Not timed: a
 * change that adds a round trip to the hot path fails here.
 */
class GetUserRoundTripsTest {

    @RegisterExtension
    final OwnRedis<RedisServer> redis = OwnRedis.standalone();

    @Test
    void cachedMe_shouldCostOneDynamoDbRead_andTwoRedisRoundTrips() {
        // GIVEN a credited user whose view is cached (a first read filled the cache)
        Platform real = Platform.fromEnvironment(redis.environment());
        RecordingDynamoDb dynamo = new RecordingDynamoDb(real.dynamoDb());
        Platform core = TestStack.withDynamoDb(real, dynamo.client());
        GetUserHandler handler = new GetUserHandler(new Services(core));
        new Services(core).ledger().credit(new Credit("alice", "receipt:s1:r1", 120, 60, CreditKind.RECEIPT, Map.of("storeId", "s1")));
        APIGatewayV2HTTPEvent me = ApiEvents.request("GET", "/users/me").caller("alice").build();
        assertEquals("MISS", handler.handleRequest(me, null).getHeaders().get("X-Cache"));
        RedisRoundTrips trips = RedisRoundTrips.of(redis.server());
        dynamo.clear();

        // WHEN she reads /users/me again
        APIGatewayV2HTTPResponse hit = handler.handleRequest(me, null);

        // THEN a hit that cost one strongly consistent DynamoDB read and two Redis round trips
        assertEquals(200, hit.getStatusCode(), hit.getBody());
        assertEquals("HIT", hit.getHeaders().get("X-Cache"));
        assertEquals(1, dynamo.requests(Object.class).size(), dynamo.requests(Object.class).toString());
        assertEquals(1, dynamo.requests(BatchGetItemRequest.class).size());
        // the rate limit with the cache GET (one batch), the request's fleet figures
        assertEquals(2, trips.take(), "Redis round trips of a cached read");
    }
}
