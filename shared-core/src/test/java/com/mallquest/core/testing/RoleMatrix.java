package com.mallquest.core.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.mallquest.core.api.lambda.ApiHandler;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The authorization matrix of one function: every route of the handler answered as every role, compared with the
 * expected statuses, and a failure when a route of the handler has no row. The roles are the mall's: nobody, a
 * shopper, the cashier ({@code store-staff}) and manager ({@code store-manager}) of store A, the same of store B, an
 * admin.
 *
 * <pre>{@code
 * RoleMatrix matrix = new RoleMatrix(handler, "zara", "hm");
 * matrix.row("GET /admin/stores/{storeId}/keys", c -> call("GET", "/admin/stores/zara/keys", null, c),
 *         401, 403, 403, 200, 403, 403, 200);   // in Role order
 * matrix.assertAll();
 * }</pre>
 */
public final class RoleMatrix {

    /** The columns of the matrix, in the order expected statuses are given. */
    public enum Role { ANONYMOUS, SHOPPER, STAFF_A, MANAGER_A, STAFF_B, MANAGER_B, ADMIN }

    private final ApiHandler handler;
    private final Map<Role, Map<String, String>> claims = new EnumMap<>(Role.class);
    private final Set<String> covered = new TreeSet<>();
    private final List<String> problems = new ArrayList<>();

    public RoleMatrix(ApiHandler handler, String storeA, String storeB) {
        this.handler = handler;
        claims.put(Role.ANONYMOUS, null);
        claims.put(Role.SHOPPER, Map.of("sub", "shopper-1", "cognito:groups", "[]"));
        claims.put(Role.STAFF_A, Map.of("sub", "staff-a", "cognito:groups", "[store-staff]", "custom:storeId", storeA));
        claims.put(Role.MANAGER_A, Map.of("sub", "manager-a", "cognito:groups", "[store-manager]", "custom:storeId", storeA));
        claims.put(Role.STAFF_B, Map.of("sub", "staff-b", "cognito:groups", "[store-staff]", "custom:storeId", storeB));
        claims.put(Role.MANAGER_B, Map.of("sub", "manager-b", "cognito:groups", "[store-manager]", "custom:storeId", storeB));
        claims.put(Role.ADMIN, Map.of("sub", "admin-1", "cognito:groups", "[admin]"));
    }

    /** The user ids of the roles that have one (to give them coins before the matrix runs). */
    public static List<String> userIds() {
        return List.of("shopper-1", "staff-a", "manager-a", "staff-b", "manager-b", "admin-1");
    }

    /** The claims of {@code role} (null for {@link Role#ANONYMOUS}). */
    public Map<String, String> claims(Role role) {
        return claims.get(role);
    }

    /**
     * Sends the request of {@code routeKey} as every role, in {@link Role} order, and records each status that differs
     * from {@code expected} (one per role).
     */
    public RoleMatrix row(String routeKey, Function<Map<String, String>, APIGatewayV2HTTPResponse> send, int... expected) {
        if (expected.length != Role.values().length) {
            throw new IllegalArgumentException(routeKey + ": give one status per role " + List.of(Role.values()));
        }
        covered.add(routeKey);
        Map<Role, Integer> actual = new LinkedHashMap<>();
        boolean same = true;
        for (Role role : Role.values()) {
            APIGatewayV2HTTPResponse response = send.apply(claims.get(role));
            actual.put(role, response.getStatusCode());
            same &= response.getStatusCode() == expected[role.ordinal()];
        }
        if (!same) {
            problems.add(routeKey + ": expected " + java.util.Arrays.toString(expected) + ", got " + actual);
        }
        return this;
    }

    /** Fails with every differing row, and when a route of the handler has no row. */
    public void assertAll() {
        Set<String> missing = new TreeSet<>(handler.routeKeys());
        missing.removeAll(covered);
        if (!missing.isEmpty()) {
            problems.add("routes without a row in the matrix: " + missing);
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
