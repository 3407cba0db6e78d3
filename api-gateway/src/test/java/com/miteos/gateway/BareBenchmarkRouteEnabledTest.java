package com.miteos.gateway;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;

/** With {@code miteos.bench.bare-endpoint=true}, as bench/run starts the gateway, {@code /bench/bare} answers a task-sized JSON without a key. */
@QuarkusTest
@TestProfile(BareBenchmarkRouteEnabledTest.Enabled.class)
class BareBenchmarkRouteEnabledTest {

    /** The gateway as bench/run starts it. */
    public static class Enabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("miteos.bench.bare-endpoint", "true");
        }
    }

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
