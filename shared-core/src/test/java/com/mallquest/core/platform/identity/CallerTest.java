package com.mallquest.core.platform.identity;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallerTest {

    @Test
    void fromClaims_shouldReadApiGatewaysListClaimForm() {
        // GIVEN the form API Gateway hands a list claim over in
        Map<String, String> claims = Map.of("sub", "user-1", "cognito:groups", "[admin store]");
        // WHEN
        Caller caller = Caller.fromClaims(claims).orElseThrow();
        // THEN
        assertEquals("user-1", caller.userId());
        assertEquals(Set.of("admin", "store"), caller.groups());
        assertTrue(caller.isAdmin());
    }

    @Test
    void parseGroups_shouldReadApiGatewaysFormExactly() {
        // GIVEN the one form API Gateway (and the local runner) hands cognito:groups over in: [a b]
        assertEquals(Set.of("admin", "store"), Caller.parseGroups("[admin store]"));
        assertEquals(Set.of("store"), Caller.parseGroups("[store]"));
        assertEquals(Set.of(), Caller.parseGroups("[]"));
        assertFalse(Caller.parseGroups("[administrator]").contains("admin"));
        // AND a claim that is a single string is that one group
        assertEquals(Set.of("store-staff"), Caller.parseGroups("store-staff"));
    }

    @Test
    void fromClaims_shouldNotMakeAnAdmin_ofGroupsWhoseNamesOnlyContainAdmin() {
        // GIVEN Cognito group names may hold punctuation: groups named "staff,admin", "\"admin\"", "admin," ...
        for (String raw : new String[] {"[staff,admin]", "[\"admin\"]", "[\"admin\",\"store\"]", "[admin,]", "[,admin]",
                "staff,admin", "\"admin\"", "[ admin]", "[store  admin]", "[admin\tstore]", "[[admin]]", "admin store"}) {
            // WHEN read as the caller's groups
            Caller caller = Caller.fromClaims(Map.of("sub", "u-1", "cognito:groups", raw)).orElseThrow();
            // THEN none of them is the admin group (nor store staff, for the staff check)
            assertFalse(caller.isAdmin(), raw + " read as " + caller.groups());
        }
    }

    @Test
    void fromClaims_shouldBeEmpty_whenThereIsNoSub() {
        assertTrue(Caller.fromClaims(Map.of("cognito:groups", "[admin]")).isEmpty());
        assertTrue(Caller.fromClaims(Map.of("sub", " ")).isEmpty());
        assertTrue(Caller.fromClaims(null).isEmpty());
    }

    @Test
    void fromClaims_shouldBeEmpty_whenSubIsNoValidUserId() {
        // GIVEN signed subs no user id can be (they used to reach the ledger and the effects keys: 500s)
        for (String sub : new String[] {"a/b c", "a".repeat(3000), "x\u0000y", "é"}) {
            // WHEN read / THEN no caller (the route answers 401)
            assertTrue(Caller.fromClaims(Map.of("sub", sub)).isEmpty(), sub.length() > 20 ? sub.substring(0, 20) : sub);
        }
        // AND the usual shapes (Cognito UUIDs, e-mail-like ids) are callers
        assertTrue(Caller.fromClaims(Map.of("sub", "3f1c2a9e-0b7d-4e5f-9a1b-2c3d4e5f6a7b")).isPresent());
        assertTrue(Caller.fromClaims(Map.of("sub", "shopper+1@mall.example")).isPresent());
    }

    @Test
    void mayActOn_shouldAllowSelfAndAdminsOnly() {
        Caller user = new Caller("u1", Set.of("store"));
        Caller admin = new Caller("a1", Set.of("admin"));
        assertTrue(user.mayActOn("u1"));
        assertFalse(user.mayActOn("u2"));
        assertTrue(admin.mayActOn("u2"));
    }

    @Test
    void mayManageStore_shouldAllowAdminsAndThatStoresManagerOnly_whenStaffOnlyServe() {
        // GIVEN a cashier and a manager of zara, an admin, and a storeId claim without a store group
        Caller staff = Caller.fromClaims(Map.of("sub", "s-1", "cognito:groups", "[store-staff]", "custom:storeId", "zara")).orElseThrow();
        Caller manager = Caller.fromClaims(Map.of("sub", "m-1", "cognito:groups", "[store-manager]", "custom:storeId", "zara")).orElseThrow();
        Caller admin = Caller.fromClaims(Map.of("sub", "a-1", "cognito:groups", "[admin]")).orElseThrow();
        Caller claimWithoutGroup = Caller.fromClaims(Map.of("sub", "u-1", "custom:storeId", "zara")).orElseThrow();
        Caller managerWithoutStore = Caller.fromClaims(Map.of("sub", "m-2", "cognito:groups", "[store-manager]")).orElseThrow();

        // THEN only the manager and the admin manage zara; the cashier serves it (coupons) and nothing more
        assertTrue(manager.mayManageStore("zara"));
        assertFalse(manager.mayManageStore("hm"));
        assertFalse(staff.mayManageStore("zara"), "a cashier never manages keys, refunds or reviews");
        assertTrue(staff.mayServeStore("zara"));
        assertFalse(staff.mayServeStore("hm"));
        assertTrue(manager.mayServeStore("zara"));
        assertTrue(admin.mayManageStore("hm"));
        assertTrue(admin.mayServeStore("hm"));
        assertTrue(staff.isAdminOrStaff());
        assertFalse(staff.isAdminOrManager());
        assertTrue(manager.isAdminOrManager());
        assertFalse(claimWithoutGroup.mayServeStore("zara"), "a storeId claim without a store group is no staff");
        assertFalse(claimWithoutGroup.isAdminOrStaff());
        assertFalse(managerWithoutStore.isAdminOrManager(), "a manager of no store manages nothing");
        assertEquals("store-staff", staff.role());
        assertEquals("store-manager", manager.role());
        assertEquals("admin", admin.role());
        assertEquals("user", claimWithoutGroup.role());
    }
}
