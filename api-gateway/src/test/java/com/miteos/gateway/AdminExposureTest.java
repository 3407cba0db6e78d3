package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static com.miteos.gateway.ApiTestSupport.ADMIN_TOKEN;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * With an admin token configured and remote administration off (the default), the admin API
 * answers connections from this host only: to a connection from any other address, even with
 * the right secret, every admin endpoint is a 404 problem, as if there were none. The address
 * is the connection's own: forwarding headers cannot make a remote caller local.
 */
@QuarkusTest
@TestProfile(PinnedDefaults.Unlimited.class)
class AdminExposureTest {

    @Test
    void fromThisHostTheAdminApiAnswers() {
        String account = ApiTestSupport.newAccount();

        given().auth().oauth2(ADMIN_TOKEN).get("/admin/v1/accounts/{id}/keys", account).then().statusCode(200);
    }

    @Test
    void fromAnotherAddressEveryAdminEndpointIsA404EvenWithTheSecret() {
        String account = ApiTestSupport.newAccount();
        String key = given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"mode\":\"test\"}")
                .post("/admin/v1/accounts/{id}/keys", account).then().statusCode(201).extract().path("id");

        notFound(remoteAdmin().body("{\"name\":\"acme\"}").post("/admin/v1/accounts"));
        notFound(remoteAdmin().body("{\"mode\":\"test\"}").post("/admin/v1/accounts/{id}/keys", account));
        notFound(remoteAdmin().get("/admin/v1/accounts/{id}/keys", account));
        notFound(remoteAdmin().delete("/admin/v1/keys/{id}", key));
        notFound(ThisHost.fromNonLoopbackAddress().post("/admin/v1/accounts"));

        // The same connection reaches the public API, so the 404s are the admin API's rule.
        ThisHost.fromNonLoopbackAddress().get("/v1/tasks").then().statusCode(401);
        // And the DELETE above did not revoke the key behind the 404.
        given().auth().oauth2(ADMIN_TOKEN).get("/admin/v1/accounts/{id}/keys", account)
                .then().statusCode(200).body("[0].revoked_at", equalTo(null));
    }

    @Test
    void forwardingHeadersDoNotMakeARemoteCallerLocal() {
        for (String[] header : new String[][] {{"X-Forwarded-For", "127.0.0.1"}, {"Forwarded", "for=127.0.0.1"},
                {"Forwarded", "for=\"[::1]\""}, {"X-Real-IP", "127.0.0.1"}, {"X-Forwarded-Host", "localhost"}}) {
            notFound(remoteAdmin().header(header[0], header[1]).body("{\"name\":\"acme\"}")
                    .post("/admin/v1/accounts"));
        }
        notFound(remoteAdmin().header("X-Forwarded-For", "127.0.0.1").header("Forwarded", "for=127.0.0.1")
                .header("X-Real-IP", "127.0.0.1").body("{\"name\":\"acme\"}").post("/admin/v1/accounts"));
    }

    private static RequestSpecification remoteAdmin() {
        return ThisHost.fromNonLoopbackAddress().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    static void notFound(io.restassured.response.Response response) {
        response.then().log().ifValidationFails().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("type", startsWith("https://api.miteos.com/problems/"))
                .header("WWW-Authenticate", equalTo(null));
    }
}
