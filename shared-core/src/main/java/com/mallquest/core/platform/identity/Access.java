package com.mallquest.core.platform.identity;

/** Who may call a route. */
public enum Access {
    /** No identity needed. */
    PUBLIC,
    /** Any caller with a verified identity ({@code sub}); none: 401. */
    USER,
    /** A verified caller in the {@code admin} group; none: 401, another group: 403. */
    ADMIN,
    /**
     * An admin or a store's manager ({@link Caller#isAdminOrManager}); none: 401, anyone else (a cashier
     * included): 403. Which store the manager may act on is the service's check ({@link Caller#mayManageStore}).
     */
    MANAGER,
    /**
     * An admin or a store's staff or manager ({@link Caller#isAdminOrStaff}); none: 401, anyone else: 403. Which
     * store is the service's check ({@link Caller#mayServeStore}).
     */
    STAFF
}
