package com.mallquest.functions.getuser;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;
import com.mallquest.core.domain.users.UserView;
import com.mallquest.core.domain.users.UserViewService;

import java.util.List;

/**
 * {@code GET /users/me}, {@code GET /users/{userId}} (the cached user view; header {@code X-Cache: HIT|MISS})
 * and {@code GET /users/{userId}/activity?limit=&cursor=} ({@code me} works there too) over {@link UserViewService}.
 */
public final class GetUserHandler extends ApiHandler {
    private final UserViewService users;

    public GetUserHandler() {
        this(Services.container());
    }

    GetUserHandler(Services services) {
        super(services.platform());
        this.users = services.users();
    }


    @Override
    protected List<Route> routes() {
        return List.of(
                Route.get("/users/me", Access.USER, r -> view(r, r.requireCaller().userId())),
                Route.get("/users/{userId}", Access.USER, r -> view(r, r.pathParameter("userId"))),
                Route.get("/users/{userId}/activity", Access.USER, this::activity));
    }

    private ApiResponse view(ApiRequest request, String userId) {
        UserView view = users.view(request.requireCaller(), userId);
        return ApiResponse.ok(view).withHeader("X-Cache", view.cache().hit() ? "HIT" : "MISS");
    }

    private ApiResponse activity(ApiRequest request) {
        int limit = request.queryInt("limit", 20, 1, 100);
        String userId = request.pathParameter("userId");
        if ("me".equals(userId)) {
            userId = request.requireCaller().userId();
        }
        return ApiResponse.ok(users.activity(request.requireCaller(), userId, limit,
                request.query("cursor").orElse(null)));
    }
}
