package com.miteos.e2e;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** Cancelling a slow sandbox task stops it for good: no more cost, no more deliverables. */
class CancelIT {

    @Test
    void cancelledTaskStopsChangingAndCancelIsSafeToRetry() {
        String token = Stack.demoToken();
        String id = Stack.as(token)
                .body(Map.of("prompt", SeedTaskIT.SEED_PROMPT,
                        "config", Map.of("max_agents", 3, "sandbox", Map.of("step_delay_ms", 700))))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(
                Stack.as(token).get("/v1/tasks/{id}", id).then().extract().path("status")));

        Stack.as(token).post("/v1/tasks/{id}/cancel", id).then().statusCode(200).body("success", equalTo(true));

        await().atMost(Duration.ofSeconds(15)).until(() -> "cancelled".equals(
                Stack.as(token).get("/v1/tasks/{id}", id).then().extract().path("status")));
        JsonPath atCancel = Stack.as(token).get("/v1/tasks/{id}", id).then().extract().jsonPath();
        // Nothing may change any more: once the first look after the delay holds, it holds; if it never
        // does, the await fails. The long limit only tolerates a slow read on a busy machine.
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath later = Stack.as(token).get("/v1/tasks/{id}", id).then().extract().jsonPath();
            assertThat(later.getDouble("cost")).isEqualTo(atCancel.getDouble("cost"));
            assertThat(later.getInt("deliverables_count")).isEqualTo(atCancel.getInt("deliverables_count"));
            assertThat(later.getString("status")).isEqualTo("cancelled");
        });
        assertThat(atCancel.getList("agents.status")).doesNotContain("thinking", "acting", "queued", "waiting");

        Stack.as(token).post("/v1/tasks/{id}/cancel", id).then().statusCode(200).body("success", equalTo(true));
    }

    @Test
    void failOutcomeEndsFailedWithAnError() {
        String token = Stack.demoToken();
        String id = Stack.as(token)
                .body(Map.of("prompt", "Compare three web frameworks.",
                        "config", Map.of("sandbox", Map.of("outcome", "fail"))))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");

        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(
                Stack.as(token).get("/v1/tasks/{id}", id).then().extract().path("status")));
        Stack.as(token).get("/v1/tasks/{id}", id).then()
                .body("error.code", equalTo("sandbox_failure"));
        Stack.as(token).post("/v1/tasks/{id}/cancel", id).then().statusCode(409);
    }
}
