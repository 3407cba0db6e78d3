package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static com.miteos.gateway.ApiTestSupport.ADMIN_TOKEN;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class AuthenticationTest {

    @Inject
    Pool pool;

    @Test
    void adminCreatesAnAccountAndKeysOfBothModes() {
        String account = ApiTestSupport.newAccount();

        given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"mode\":\"test\"}")
                .post("/admin/v1/accounts/{id}/keys", account)
                .then().statusCode(201)
                .body("id", startsWith("key_"))
                .body("token", matchesPattern("mt_test_[0-9A-Za-z]{40}"))
                .body("prefix", matchesPattern("mt_test_[0-9A-Za-z]{4}"));
        given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"mode\":\"live\"}")
                .post("/admin/v1/accounts/{id}/keys", account)
                .then().statusCode(201).body("token", startsWith("mt_live_"));
    }

    @Test
    void adminApiRejectsWrongSecretsAndBadInput() {
        given().contentType(ContentType.JSON).body("{\"name\":\"x\"}").post("/admin/v1/accounts")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"));
        given().auth().oauth2(ADMIN_TOKEN + "x").contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post("/admin/v1/accounts").then().statusCode(401);
        given().header("Authorization", "Bearer ").contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post("/admin/v1/accounts").then().statusCode(401);
        given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"mode\":\"prod\"}")
                .post("/admin/v1/accounts/{id}/keys", ApiTestSupport.newAccount())
                .then().statusCode(400).body("errors[0].field", equalTo("mode"));
        given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"mode\":\"test\"}")
                .post("/admin/v1/accounts/{id}/keys", "acct_nope").then().statusCode(404);
        given().auth().oauth2(ADMIN_TOKEN).delete("/admin/v1/keys/{id}", "key_nope").then().statusCode(404);
    }

    @Test
    void aKeyRevokedByAnotherReplicaIsRefusedSoonAfter() {
        String account = ApiTestSupport.newAccount();
        var key = given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"mode\":\"test\"}")
                .post("/admin/v1/accounts/{id}/keys", account).then().statusCode(201).extract();
        String token = key.path("token");
        given().auth().oauth2(token).get("/v1/tasks/{id}", "task_nope").then().statusCode(404);

        // Revoked in the shared database, as another gateway replica does: this one was not told.
        pool.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(key.<String>path("id"))).await().indefinitely();

        // It remembers a key it found for 0.5 s; bounded loosely here, the machine may be slow.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                given().auth().oauth2(token).get("/v1/tasks/{id}", "task_nope").then().statusCode(401));
    }

    @Test
    void missingMalformedUnknownAndRevokedTokensGet401WithAChallenge() {
        given().get("/v1/tasks").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json")
                .body("status", equalTo(401))
                .body("title", notNullValue())
                .body("detail", notNullValue());
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/v1/tasks").then().statusCode(401);
        given().auth().oauth2("mt_test_short").get("/v1/tasks").then().statusCode(401);
        given().auth().oauth2("mt_test_" + "A".repeat(40)).get("/v1/tasks").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));

        String account = ApiTestSupport.newAccount();
        var key = given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"mode\":\"test\"}")
                .post("/admin/v1/accounts/{id}/keys", account).then().statusCode(201).extract();
        String token = key.path("token");
        given().auth().oauth2(token).get("/v1/tasks/{id}", "task_nope").then().statusCode(404);

        given().auth().oauth2(ADMIN_TOKEN).delete("/admin/v1/keys/{id}", key.<String>path("id"))
                .then().statusCode(204);
        given().auth().oauth2(token).get("/v1/tasks/{id}", "task_nope").then().statusCode(401);

        // The listing shows when it was revoked (by the database's clock, now); revoking again keeps that time.
        String revokedAt = given().auth().oauth2(ADMIN_TOKEN).get("/admin/v1/accounts/{id}/keys", account)
                .then().statusCode(200).extract().path("[0].revoked_at");
        org.assertj.core.api.Assertions.assertThat(java.time.Instant.parse(revokedAt))
                .isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(60));
        given().auth().oauth2(ADMIN_TOKEN).delete("/admin/v1/keys/{id}", key.<String>path("id"))
                .then().statusCode(204);
        given().auth().oauth2(ADMIN_TOKEN).get("/admin/v1/accounts/{id}/keys", account)
                .then().statusCode(200).body("[0].revoked_at", equalTo(revokedAt));
    }

    @Test
    void keysAreListedByPrefixWithCreationAndLastUseButNeverTheirToken() {
        String account = ApiTestSupport.newAccount();
        String token = ApiTestSupport.newToken(account, "test");
        given().auth().oauth2(token).get("/v1/tasks/{id}", "task_nope").then().statusCode(404);

        // last_used_at is written after the answer; the bound is generous, the wait ends when it is there.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(ADMIN_TOKEN).get("/admin/v1/accounts/{id}/keys", account)
                        .then().statusCode(200)
                        .body("size()", equalTo(1))
                        .body("[0].prefix", equalTo(token.substring(0, 12)))
                        .body("[0].mode", equalTo("test"))
                        .body("[0].created_at", notNullValue())
                        .body("[0].last_used_at", notNullValue())
                        .body("[0].token", org.hamcrest.Matchers.nullValue()));
        String listing = given().auth().oauth2(ADMIN_TOKEN).get("/admin/v1/accounts/{id}/keys", account).asString();
        org.assertj.core.api.Assertions.assertThat(listing).doesNotContain(token.substring(12));
        given().auth().oauth2(ADMIN_TOKEN).get("/admin/v1/accounts/{id}/keys", "acct_nope").then().statusCode(404);
    }

    @Test
    void everyResponseCarriesARequestId() {
        given().get("/v1/tasks").then().header("X-Request-Id", startsWith("req_"));
        given().header("X-Request-Id", "my-trace-123").get("/v1/tasks").then()
                .header("X-Request-Id", equalTo("my-trace-123"))
                .body("request_id", equalTo("my-trace-123"));
    }
}
