package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static com.miteos.gateway.AdminExposureTest.notFound;
import static io.restassured.RestAssured.given;

/**
 * Without an admin token ({@code MITEOS_ADMIN_TOKEN} unset) the admin API is off: every admin
 * endpoint is a 404 problem, even from this host and whatever the request's Authorization says
 * (an empty bearer must not match an empty secret).
 */
@QuarkusTest
@TestProfile(AdminApiOffTest.NoAdminToken.class)
class AdminApiOffTest {

    /** The test profile's admin token is removed: no value at all, as when the variable is unset. */
    public static class NoAdminToken extends PinnedDefaults {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            // An empty value is no value in SmallRye Config; %test.… is what the test profile sets.
            overrides.put("miteos.admin.token", "");
            overrides.put("%test.miteos.admin.token", "");
            return overrides;
        }
    }

    /** What a caller might send, including the secret the other tests' gateways run with. */
    static final List<Function<RequestSpecification, RequestSpecification>> AUTHORIZATIONS = List.of(
            request -> request,
            request -> request.header("Authorization", "Bearer "),
            request -> request.header("Authorization", "Bearer"),
            request -> request.auth().oauth2("anything"),
            request -> request.auth().oauth2("test-admin-token-0123456789abcdef0123456789"));

    @Test
    void everyAdminEndpointIsA404FromThisHostWhateverTheAuthorization() {
        for (Function<RequestSpecification, RequestSpecification> authorization : AUTHORIZATIONS) {
            notFound(as(authorization).body("{\"name\":\"acme\"}").post("/admin/v1/accounts"));
            notFound(as(authorization).body("{\"mode\":\"test\"}").post("/admin/v1/accounts/{id}/keys", "acct_x"));
            notFound(as(authorization).get("/admin/v1/accounts/{id}/keys", "acct_x"));
            notFound(as(authorization).delete("/admin/v1/keys/{id}", "key_x"));
        }
        // The gateway itself is up: the public API answers.
        given().get("/v1/tasks").then().statusCode(401);
    }

    private static RequestSpecification as(Function<RequestSpecification, RequestSpecification> authorization) {
        return authorization.apply(given().contentType(ContentType.JSON));
    }
}
