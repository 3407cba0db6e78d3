package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import java.util.HashMap;
import java.util.Map;

/** A blank admin token (spaces only) turns the admin API off as an unset one does. */
@QuarkusTest
@TestProfile(AdminApiBlankTokenTest.BlankAdminToken.class)
class AdminApiBlankTokenTest extends AdminApiOffTest {

    /** The admin token is three spaces. */
    public static class BlankAdminToken extends PinnedDefaults {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("miteos.admin.token", "   ");
            overrides.put("%test.miteos.admin.token", "   ");
            return overrides;
        }
    }
}
