package com.mallquest.functions.cleanup;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.mallquest.core.lambda.CoreServices;

import java.util.Map;

/** Placeholder: the cleanup job is filled in by the users/effects issue. */
public final class CleanupHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final class Container {
        static final CoreServices CORE = CoreServices.fromEnvironment();
    }

    private final CoreServices core;

    public CleanupHandler() {
        this(Container.CORE);
    }

    CleanupHandler(CoreServices core) {
        this.core = core;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Map.of();
    }
}
