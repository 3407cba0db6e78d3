package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static com.miteos.gateway.ApiTestSupport.ADMIN_TOKEN;
import static org.hamcrest.Matchers.startsWith;

/**
 * With {@code MITEOS_ADMIN_ALLOW_REMOTE=true} the admin API answers connections from other
 * addresses too, and still only with the right secret.
 */
@QuarkusTest
@TestProfile(AdminRemoteAllowedTest.RemoteAdministration.class)
class AdminRemoteAllowedTest {

    /** The pinned defaults, with remote administration on. */
    public static class RemoteAdministration extends PinnedDefaults {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("miteos.admin.allow-remote", "true");
            return overrides;
        }
    }

    @Test
    void fromAnotherAddressTheAdminApiAnswersTheRightSecret() {
        String account = ThisHost.fromNonLoopbackAddress().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"name\":\"remote operator\"}").post("/admin/v1/accounts")
                .then().statusCode(201).extract().path("id");

        ThisHost.fromNonLoopbackAddress().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"mode\":\"live\"}").post("/admin/v1/accounts/{id}/keys", account)
                .then().statusCode(201).body("token", startsWith("mt_live_"));
    }

    @Test
    void fromAnotherAddressAMissingOrWrongSecretIsStill401() {
        ThisHost.fromNonLoopbackAddress().contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post("/admin/v1/accounts").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"));
        ThisHost.fromNonLoopbackAddress().auth().oauth2(ADMIN_TOKEN + "x").contentType(ContentType.JSON)
                .body("{\"name\":\"x\"}").post("/admin/v1/accounts").then().statusCode(401);
        ThisHost.fromNonLoopbackAddress().header("Authorization", "Bearer ").contentType(ContentType.JSON)
                .body("{\"name\":\"x\"}").post("/admin/v1/accounts").then().statusCode(401);
    }
}
