package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * With {@code miteos.bench.bare-endpoint=true}, as bench/run starts the gateway, {@code /bench/bare} answers a
 * task-sized JSON without a key. The switch is on in {@link PinnedDefaults.Unlimited}, whose gateway this test
 * shares rather than starting one of its own.
 */
@QuarkusTest
@TestProfile(PinnedDefaults.Unlimited.class)
class BareBenchmarkRouteEnabledTest {

    @Test
    void itAnswersATaskSizedJsonWithoutAKey() {
        given().get("/bench/bare").then().statusCode(200).contentType("application/json")
                .body("status", equalTo("pending"))
                .body("id", startsWith("task_"))
                .header("Content-Length", Integer::parseInt, greaterThan(200));
        given().contentType("application/json").body("{\"prompt\":\"x\"}").post("/bench/bare")
                .then().statusCode(200).body("status", equalTo("pending"));
    }
}
