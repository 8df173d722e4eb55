package com.mallquest.core.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * HTTP API (payload v2) events as API Gateway hands them to a function, for handler tests: method and path,
 * the JWT authorizer's claims (none: no verified caller), body, query and path parameters, headers.
 */
public final class ApiEvents {
    /** Claims of an administrator ({@code cognito:groups} "[admin]"). */
    public static final Map<String, String> ADMIN = Map.of("sub", "admin-1", "cognito:groups", "[admin]");
    /** Claims of a shopper in no group. */
    public static final Map<String, String> SHOPPER = Map.of("sub", "shopper-1", "cognito:groups", "[]");

    private ApiEvents() { }

    /** A request to build: {@code ApiEvents.request("POST", "/receipts").caller("alice").body(json).build()}. */
    public static Builder request(String method, String path) {
        return new Builder(method, path);
    }

    /** {@code GET path} with {@code claims} (null: no verified caller). */
    public static APIGatewayV2HTTPEvent get(String path, Map<String, String> claims) {
        return request("GET", path).claims(claims).build();
    }

    /** {@code POST path} with a JSON {@code body} and {@code claims} (null: no verified caller). */
    public static APIGatewayV2HTTPEvent post(String path, String body, Map<String, String> claims) {
        return request("POST", path).body(body).claims(claims).build();
    }

    /** The claims a JWT authorizer passes for {@code sub} in {@code groups} (either null: left out). */
    public static Map<String, String> claims(String sub, String groups) {
        Map<String, String> claims = new HashMap<>();
        if (sub != null) {
            claims.put("sub", sub);
        }
        if (groups != null) {
            claims.put("cognito:groups", groups);
        }
        return claims;
    }

    /** One event under construction; every part but method and path is optional. */
    public static final class Builder {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json"));
        private Map<String, String> claims;
        private String body;
        private Map<String, String> query;
        private Map<String, String> pathParameters;
        private String requestId = "req-" + UUID.randomUUID();

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** The authorizer's claims; null: the request has no verified caller. */
        public Builder claims(Map<String, String> claims) {
            this.claims = claims;
            return this;
        }

        /** A caller with only a {@code sub} claim; null: no verified caller. */
        public Builder caller(String sub) {
            return claims(sub == null ? null : Map.of("sub", sub));
        }

        public Builder body(String body) {
            this.body = body;
            return this;
        }

        public Builder query(Map<String, String> query) {
            this.query = query;
            return this;
        }

        public Builder pathParameters(Map<String, String> pathParameters) {
            this.pathParameters = pathParameters;
            return this;
        }

        /** Adds (or replaces) a header, as the client spelt its name. */
        public Builder header(String name, String value) {
            headers.keySet().removeIf(name::equalsIgnoreCase);
            headers.put(name, value);
            return this;
        }

        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        public APIGatewayV2HTTPEvent build() {
            var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build();
            var context = APIGatewayV2HTTPEvent.RequestContext.builder().withHttp(http).withRequestId(requestId);
            if (claims != null) {
                context.withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                        .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder().withClaims(claims).build())
                        .build());
            }
            return APIGatewayV2HTTPEvent.builder()
                    .withRouteKey(method + " " + path)
                    .withRawPath(path)
                    .withHeaders(Map.copyOf(headers))
                    .withBody(body)
                    .withQueryStringParameters(query)
                    .withPathParameters(pathParameters)
                    .withRequestContext(context.build())
                    .build();
        }
    }
}
