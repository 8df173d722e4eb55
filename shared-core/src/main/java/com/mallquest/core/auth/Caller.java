package com.mallquest.core.auth;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The verified identity behind a request, from the JWT authorizer's claims.
 *
 * <p>API Gateway's HTTP API hands every claim over as a string; a list claim such as
 * {@code cognito:groups} arrives as {@code [admin store]}. Both that form, a JSON-style
 * {@code ["admin","store"]} and a plain {@code admin,store} are read as groups.
 */
public record Caller(String userId, Set<String> groups) {

    public static final String ADMIN_GROUP = "admin";
    public static final String GROUPS_CLAIM = "cognito:groups";
    /** A user id anywhere in the API (path, query, body): 1-128 letters, digits and {@code ._@:+-} (Cognito subs fit). */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@:+-]{1,128}");
    /** How {@link #isValidUserId} is explained in a 400. */
    public static final String USER_ID_RULE = "1-128 characters of letters, digits and ._@:+-";

    public Caller {
        groups = Set.copyOf(groups);
    }

    /** The caller from the authorizer's claims, or empty when {@code sub} is missing or not a valid user id. */
    public static Optional<Caller> fromClaims(Map<String, String> claims) {
        if (claims == null) {
            return Optional.empty();
        }
        String sub = claims.get("sub");
        if (sub == null || !isValidUserId(sub.trim())) {
            // No identity this API can store or look up (blank, too long, '/' or control characters): 401.
            return Optional.empty();
        }
        return Optional.of(new Caller(sub.trim(), parseGroups(claims.get(GROUPS_CLAIM))));
    }

    static Set<String> parseGroups(String raw) {
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        String inner = raw.trim();
        if (inner.startsWith("[") && inner.endsWith("]")) {
            inner = inner.substring(1, inner.length() - 1);
        }
        return Arrays.stream(inner.split("[\\s,]+"))
                .map(g -> g.replace("\"", "").trim())
                .filter(g -> !g.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** True when {@code id} has the shape of a user id ({@value #USER_ID_RULE}); anything else names no user. */
    public static boolean isValidUserId(String id) {
        return id != null && USER_ID.matcher(id).matches();
    }

    public boolean isAdmin() {
        return groups.contains(ADMIN_GROUP);
    }

    /** True when this caller may act on {@code userId}: itself, or any user for an admin. */
    public boolean mayActOn(String otherUserId) {
        return userId.equals(otherUserId) || isAdmin();
    }
}
