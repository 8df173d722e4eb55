package com.mallquest.functions.gamification;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.domain.gamification.Gamification;
import com.mallquest.core.domain.gamification.Period;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;
import com.mallquest.core.domain.stores.Store;
import com.mallquest.core.domain.stores.StoreCatalogue;
import com.mallquest.core.platform.errors.DomainException;

import java.util.List;

/**
 * {@code GET /leaderboards/{period}} (public; {@code ?store=&limit=1..100&at=}), {@code GET /leaderboards/{period}/me},
 * {@code GET /users/me/badges} and {@code PUT /users/me/preferences} over {@link Gamification}.
 */
public final class GamificationHandler extends ApiHandler {
    private final Gamification game;
    private final StoreCatalogue stores;

    public GamificationHandler() {
        this(Services.container());
    }

    GamificationHandler(Services services) {
        super(services.platform());
        this.game = services.gamification();
        this.stores = services.stores();
    }


    @Override
    protected List<Route> routes() {
        return List.of(
                Route.get("/leaderboards/{period}", Access.PUBLIC, this::board),
                Route.get("/leaderboards/{period}/me", Access.USER, this::standing),
                Route.get("/users/me/badges", Access.USER, r -> ApiResponse.ok(game.badges(r.requireCaller().userId()))),
                Route.put("/users/me/preferences", Access.USER, r -> ApiResponse.ok(
                        game.savePreferences(r.requireCaller().userId(), r.body(Gamification.Preferences.class)))));
    }

    private ApiResponse board(ApiRequest request) {
        Period period = Period.fromWireName(request.pathParameter("period"));
        int limit = request.queryInt("limit", 10, 1, 100);
        return ApiResponse.ok(game.leaderboards().top(period, request.query("at").orElse(null), store(request), limit));
    }

    private ApiResponse standing(ApiRequest request) {
        Period period = Period.fromWireName(request.pathParameter("period"));
        return ApiResponse.ok(game.leaderboards().standing(request.requireCaller().userId(), period,
                request.query("at").orElse(null), store(request)));
    }

    /** {@code ?store=}: null for the whole mall; a store of the catalogue, else 400 / 404. */
    private String store(ApiRequest request) {
        String storeId = request.query("store").orElse(null);
        if (storeId == null) {
            return null;
        }
        if (!Store.ID.matcher(storeId).matches()) {
            throw DomainException.invalid("store", "store must be a store id such as zara");
        }
        if (stores.find(storeId).isEmpty()) {
            throw DomainException.notFound("unknown_store", "There is no store '" + storeId + "' in this mall");
        }
        return storeId;
    }
}
