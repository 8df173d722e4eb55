package com.mallquest.core.auth;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    public Caller {
        groups = Set.copyOf(groups);
    }

    /** The caller from the authorizer's claims, or empty when there is no {@code sub}. */
    public static Optional<Caller> fromClaims(Map<String, String> claims) {
        if (claims == null) {
            return Optional.empty();
        }
        String sub = claims.get("sub");
        if (sub == null || sub.isBlank()) {
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

    public boolean isAdmin() {
        return groups.contains(ADMIN_GROUP);
    }

    /** True when this caller may act on {@code userId}: itself, or any user for an admin. */
    public boolean mayActOn(String otherUserId) {
        return userId.equals(otherUserId) || isAdmin();
    }
}
