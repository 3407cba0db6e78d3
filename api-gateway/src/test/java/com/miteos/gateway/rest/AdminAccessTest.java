package com.miteos.gateway.rest;

import com.miteos.gateway.config.GatewayConfigs;
import com.miteos.gateway.domain.ApiProblem;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who gets into the admin API under each admin setting, decided as the gateway decides it, with
 * the settings read by SmallRye Config as a gateway started with them reads them. Without an admin
 * token (unset, empty or blank) the admin API is off: a 404, from this host too and whatever the
 * Authorization says (an empty bearer must not match an empty secret). With remote administration
 * on, a caller from another address gets in with the right secret and only with it.
 *
 * <p>These settings used to take a gateway start-up each. What the HTTP layer makes of the answer
 * (the 404 and 401 problems, the connection's own address as the caller's) is checked on a started
 * gateway with the default settings: {@code AdminExposureTest} and {@code AuthenticationTest}.
 */
class AdminAccessTest {

    private static final String SECRET = "test-admin-token-0123456789abcdef0123456789";
    private static final String PATH = "/admin/v1/accounts";

    /** What a caller might send, including the secret the other tests' gateways run with. */
    private static final List<String> AUTHORIZATIONS = Arrays.asList(
            null, "Bearer ", "Bearer", "Bearer    ", "Bearer anything", "Bearer " + SECRET);

    @Test
    void withoutAnAdminTokenEveryCallerGetsA404WhateverTheAuthorization() {
        AdminAccess access = access(Map.of(
                // An empty value is no value in SmallRye Config; %test.… is what the test profile sets.
                "miteos.admin.token", "", "%test.miteos.admin.token", ""));

        everyCallerGets404(access);
    }

    @Test
    void aBlankAdminTokenTurnsTheAdminApiOffAsAnUnsetOneDoes() {
        AdminAccess access = access(Map.of("miteos.admin.token", "   ", "%test.miteos.admin.token", "   "));

        everyCallerGets404(access);
    }

    @Test
    void byDefaultOnlyThisHostGetsInAndOnlyWithTheSecret() {
        AdminAccess access = access(Map.of());

        assertThat(access.refusal("Bearer " + SECRET, true, PATH)).isNull();
        assertThat(status(access.refusal("Bearer " + SECRET, false, PATH))).isEqualTo(404);
        assertThat(status(access.refusal("Bearer " + SECRET + "x", true, PATH))).isEqualTo(401);
        assertThat(status(access.refusal(null, true, PATH))).isEqualTo(401);
    }

    @Test
    void withRemoteAdministrationACallerFromAnotherAddressGetsInWithTheRightSecret() {
        AdminAccess access = access(Map.of("miteos.admin.allow-remote", "true"));

        assertThat(access.refusal("Bearer " + SECRET, false, PATH)).isNull();
        assertThat(access.refusal("Bearer " + SECRET, true, PATH)).isNull();
    }

    @Test
    void withRemoteAdministrationAMissingOrWrongSecretIsStill401() {
        AdminAccess access = access(Map.of("miteos.admin.allow-remote", "true"));

        for (String authorization : Arrays.asList(null, "Bearer ", "Bearer", "Bearer " + SECRET + "x", SECRET)) {
            ApiProblem refusal = access.refusal(authorization, false, PATH);
            assertThat(status(refusal)).as("Authorization: %s", authorization).isEqualTo(401);
            assertThat(refusal.type()).isEqualTo("unauthorized");
        }
    }

    private static void everyCallerGets404(AdminAccess access) {
        for (String authorization : AUTHORIZATIONS) {
            for (boolean fromLoopback : new boolean[] {true, false}) {
                ApiProblem refusal = access.refusal(authorization, fromLoopback, PATH);
                assertThat(status(refusal)).as("Authorization: %s, from this host: %s", authorization, fromLoopback)
                        .isEqualTo(404);
            }
        }
    }

    private static int status(ApiProblem problem) {
        assertThat(problem).as("a refusal").isNotNull();
        return problem.status();
    }

    /** The admin settings a gateway started with these overrides (and its pinned allow-remote=false) has. */
    private static AdminAccess access(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(Map.of("miteos.admin.allow-remote", "false"));
        properties.putAll(overrides);
        return new AdminAccess(GatewayConfigs.withOverrides(properties).admin());
    }
}
