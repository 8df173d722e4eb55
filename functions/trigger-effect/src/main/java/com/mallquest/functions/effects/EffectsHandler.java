package com.mallquest.functions.effects;

import com.mallquest.core.auth.Access;
import com.mallquest.core.http.Route;
import com.mallquest.core.lambda.ApiHandler;
import com.mallquest.core.lambda.CoreServices;

import java.util.List;

/** Placeholder: the routes are filled in by the issue that owns this function. */
public final class EffectsHandler extends ApiHandler {
    private static final class Container {
        static final CoreServices CORE = CoreServices.fromEnvironment();
    }

    public EffectsHandler() {
        this(Container.CORE);
    }

    EffectsHandler(CoreServices core) {
        super(core);
    }

    @Override
    protected List<Route> routes() {
        return List.of();
    }
}
