package com.mallquest.functions.triggereffect;

import com.mallquest.core.api.lambda.Services;
import com.mallquest.core.platform.identity.Access;
import com.mallquest.core.domain.effects.EffectsService;
import com.mallquest.core.domain.effects.TriggerEffectRequest;
import com.mallquest.core.api.http.ApiRequest;
import com.mallquest.core.api.http.ApiResponse;
import com.mallquest.core.api.http.Route;
import com.mallquest.core.api.lambda.ApiHandler;

import java.util.List;

/**
 * {@code POST /effects} (trigger a throttled, expiring effect: 202) and {@code GET /effects} (the active
 * ones, newest first) over {@link EffectsService}.
 */
public final class TriggerEffectHandler extends ApiHandler {
    private final EffectsService effects;

    public TriggerEffectHandler() {
        this(Services.container());
    }

    TriggerEffectHandler(Services services) {
        super(services.platform());
        this.effects = services.effectsService();
    }


    @Override
    protected List<Route> routes() {
        return List.of(
                Route.post("/effects", Access.USER, this::trigger),
                Route.get("/effects", Access.USER, this::list));
    }

    private ApiResponse trigger(ApiRequest request) {
        EffectsService.Triggered triggered = effects.trigger(request.requireCaller(), request.body(TriggerEffectRequest.class));
        request.metrics().count("EffectsTriggered", 1).property("effectType", triggered.type());
        return ApiResponse.accepted(triggered);
    }

    private ApiResponse list(ApiRequest request) {
        return ApiResponse.ok(effects.active(request.requireCaller(), request.query("userId"), request.query("channel")));
    }
}
