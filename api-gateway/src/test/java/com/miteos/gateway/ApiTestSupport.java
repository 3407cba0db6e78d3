package com.miteos.gateway;

import io.restassured.http.ContentType;

import static io.restassured.RestAssured.given;

/** Creates accounts and keys through the admin API, as an operator would. */
final class ApiTestSupport {

    static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef0123456789";

    private ApiTestSupport() {
    }

    static String newAccount() {
        return given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"name\":\"acme\"}")
                .post("/admin/v1/accounts")
                .then().statusCode(201).extract().path("id");
    }

    static String newToken(String account, String mode) {
        return given().auth().oauth2(ADMIN_TOKEN).contentType(ContentType.JSON).body("{\"mode\":\"" + mode + "\"}")
                .post("/admin/v1/accounts/{id}/keys", account)
                .then().statusCode(201).extract().path("token");
    }
}
