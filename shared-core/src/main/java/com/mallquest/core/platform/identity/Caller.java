package com.mallquest.core.platform.identity;

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
 * {@code cognito:groups} arrives as {@code [admin store]} (the local runner renders it the same way). That
 * form is read exactly ({@link #parseGroups}): a group named {@code staff,admin} is not {@code admin}.
 */
public record Caller(String userId, Set<String> groups, String staffStoreId) {

    /** The mall's operators: every route, every store. */
    public static final String ADMIN_GROUP = "admin";
    /**
     * The cashier of one store (named by the {@value #STORE_CLAIM} claim): looks up and accepts its coupons, nothing
     * that moves coins or trust (no keys, refunds, review decisions).
     */
    public static final String STORE_STAFF_GROUP = "store-staff";
    /**
     * The manager of one store (named by the {@value #STORE_CLAIM} claim): its keys, refunds, review decisions and
     * coupons, and its audit trail.
     */
    public static final String STORE_MANAGER_GROUP = "store-manager";
    public static final String GROUPS_CLAIM = "cognito:groups";
    /** The store a {@value #STORE_STAFF_GROUP} or {@value #STORE_MANAGER_GROUP} member works for (a Cognito custom attribute). */
    public static final String STORE_CLAIM = "custom:storeId";
    /** A user id anywhere in the API (path, query, body): 1-128 letters, digits and {@code ._@:+-} (Cognito subs fit). */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._@:+-]{1,128}");
    /** How {@link #isValidUserId} is explained in a 400. */
    public static final String USER_ID_RULE = "1-128 characters of letters, digits and ._@:+-";

    /**
     * @param staffStoreId the store this caller works for; null unless the caller is in {@value #STORE_STAFF_GROUP}
     *                     or {@value #STORE_MANAGER_GROUP} and carries a non-blank {@value #STORE_CLAIM}
     */
    public Caller {
        groups = Set.copyOf(groups);
        boolean storeRole = groups.contains(STORE_STAFF_GROUP) || groups.contains(STORE_MANAGER_GROUP);
        if (!storeRole || staffStoreId == null || staffStoreId.isBlank()) {
            staffStoreId = null;
        }
    }

    /** A caller who is no store's staff. */
    public Caller(String userId, Set<String> groups) {
        this(userId, groups, null);
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
        return Optional.of(new Caller(sub.trim(), parseGroups(claims.get(GROUPS_CLAIM)), claims.get(STORE_CLAIM)));
    }

    /**
     * The groups of a {@code cognito:groups} claim, read exactly: API Gateway renders the list as
     * {@code [a b]}, names separated by one space (Cognito group names hold no whitespace but may hold any
     * punctuation, so {@code staff,admin} or {@code "admin"} are names of their own, never {@code admin}).
     * A plain string claim is that one group. A bracketed claim with empty names (two spaces, a leading
     * space) is no form API Gateway produces: it grants no group.
     */
    static Set<String> parseGroups(String raw) {
        if (raw == null || raw.isBlank()) {
            return Set.of();
        }
        if (!(raw.length() >= 2 && raw.startsWith("[") && raw.endsWith("]"))) {
            return Set.of(raw);
        }
        String inner = raw.substring(1, raw.length() - 1);
        if (inner.isEmpty()) {
            return Set.of();
        }
        String[] names = inner.split(" ", -1);
        for (String name : names) {
            if (name.isEmpty()) {
                return Set.of();
            }
        }
        return Arrays.stream(names).collect(Collectors.toUnmodifiableSet());
    }

    /** True when {@code id} has the shape of a user id ({@value #USER_ID_RULE}); anything else names no user. */
    public static boolean isValidUserId(String id) {
        return id != null && USER_ID.matcher(id).matches();
    }

    public boolean isAdmin() {
        return groups.contains(ADMIN_GROUP);
    }

    /** True for a {@value #STORE_MANAGER_GROUP} member with a store (not for an admin). */
    public boolean isStoreManager() {
        return staffStoreId != null && groups.contains(STORE_MANAGER_GROUP);
    }

    /**
     * True for an admin, or for the manager of {@code storeId}: who may register and revoke its keys, refund its
     * receipts, decide its reviews and read its audit trail. A store's staff (the cashier) may not.
     */
    public boolean mayManageStore(String storeId) {
        return isAdmin() || (isStoreManager() && staffStoreId.equals(storeId));
    }

    /** True for an admin, or for the staff or manager of {@code storeId}: who may look up and accept its coupons. */
    public boolean mayServeStore(String storeId) {
        return isAdmin() || (staffStoreId != null && staffStoreId.equals(storeId));
    }

    /** True for an admin or any store's manager (which store is checked against the resource: {@link #mayManageStore}). */
    public boolean isAdminOrManager() {
        return isAdmin() || isStoreManager();
    }

    /** True for an admin or any store's staff or manager (which store: {@link #mayServeStore}). */
    public boolean isAdminOrStaff() {
        return isAdmin() || staffStoreId != null;
    }

    /** The role an audit entry records: {@code admin}, {@code store-manager}, {@code store-staff} or {@code user}. */
    public String role() {
        if (isAdmin()) {
            return ADMIN_GROUP;
        }
        if (isStoreManager()) {
            return STORE_MANAGER_GROUP;
        }
        return staffStoreId != null ? STORE_STAFF_GROUP : "user";
    }

    /** True when this caller may act on {@code userId}: itself, or any user for an admin. */
    public boolean mayActOn(String otherUserId) {
        return userId.equals(otherUserId) || isAdmin();
    }
}
