package com.miteos.e2e;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.empty;

/** Low autonomy through the public API: the task waits for plan approval, and resume lets it finish. */
class ApprovalIT {

    @Test
    void lowAutonomyTaskPausesForItsPlanAndCompletesAfterResume() {
        String token = Stack.demoToken();
        String id = Stack.as(token)
                .body(Map.of("prompt", SeedTaskIT.SEED_PROMPT, "config", Map.of("autonomy_level", 10)))
                .post("/v1/tasks").then().statusCode(201).extract().path("id");

        await().atMost(Duration.ofSeconds(30)).until(() -> "paused".equals(
                Stack.as(token).get("/v1/tasks/{id}", id).then().extract().path("status")));
        Stack.as(token).get("/v1/tasks/{id}", id).then()
                .body("status_detail.reason", equalTo("awaiting_approval"))
                .body("status_detail.action.type", equalTo("plan"))
                .body("status_detail.action.details", not(empty()));

        Stack.as(token).body(Map.of("message", "Keep it short.")).post("/v1/tasks/{id}/resume", id)
                .then().statusCode(200).body("success", equalTo(true));

        await().atMost(Duration.ofSeconds(60)).until(() -> "complete".equals(
                Stack.as(token).get("/v1/tasks/{id}", id).then().extract().path("status")));
        Stack.as(token).post("/v1/tasks/{id}/pause", id).then().statusCode(409);
        Stack.as(token).post("/v1/tasks/{id}/resume", id).then().statusCode(409);
    }
}
