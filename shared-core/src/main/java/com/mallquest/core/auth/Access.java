package com.mallquest.core.auth;

/** Who may call a route. */
public enum Access {
    /** No identity needed. */
    PUBLIC,
    /** Any caller with a verified identity ({@code sub}); none: 401. */
    USER,
    /** A verified caller in the {@code admin} group; none: 401, another group: 403. */
    ADMIN
}
