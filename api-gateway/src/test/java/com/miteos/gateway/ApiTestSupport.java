package com.miteos.gateway;

import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;

import static io.restassured.RestAssured.given;

/** Creates accounts and keys through the admin API, as an operator would. */
final class ApiTestSupport {

    /** The admin secret the gateway under test runs with (MITEOS_ADMIN_TOKEN wins over the test default). */
    static final String ADMIN_TOKEN = ConfigProvider.getConfig().getValue("miteos.admin.token", String.class);

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
