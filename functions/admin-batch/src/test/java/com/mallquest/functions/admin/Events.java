package com.mallquest.functions.admin;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.util.Map;

/** HTTP API (payload v2) events as API Gateway hands them to the function. */
final class Events {
    static final Map<String, String> ADMIN = Map.of("sub", "admin-1", "cognito:groups", "[admin]");
    static final Map<String, String> SHOPPER = Map.of("sub", "shopper-1", "cognito:groups", "[]");

    private Events() { }

    static APIGatewayV2HTTPEvent post(String path, String body, Map<String, String> claims) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath(path).build();
        var ctx = APIGatewayV2HTTPEvent.RequestContext.builder().withHttp(http).withRequestId("req-" + System.nanoTime());
        if (claims != null) {
            ctx.withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims).build())
                    .build());
        }
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST " + path)
                .withBody(body)
                .withRawPath(path)
                .withHeaders(Map.of("content-type", "application/json"))
                .withRequestContext(ctx.build())
                .build();
    }
}
