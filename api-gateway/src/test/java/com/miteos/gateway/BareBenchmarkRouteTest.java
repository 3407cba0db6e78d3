package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;

/**
 * {@code /bench/bare}, the benchmark harness's baseline, does not exist unless a benchmark turns it on
 * ({@code MITEOS_BENCH_BARE_ENDPOINT=true}; {@link BareBenchmarkRouteEnabledTest}): by default the path is
 * a plain 404, for GET and POST, with or without a key.
 */
@QuarkusTest
class BareBenchmarkRouteTest {

    @Test
    void theBareEndpointDoesNotExistByDefault() {
        given().get("/bench/bare").then().statusCode(404);
        given().contentType("application/json").body("{\"prompt\":\"x\"}").post("/bench/bare").then().statusCode(404);
        given().auth().oauth2(ApiTestSupport.ADMIN_TOKEN).get("/bench/bare").then().statusCode(404);
    }
}
