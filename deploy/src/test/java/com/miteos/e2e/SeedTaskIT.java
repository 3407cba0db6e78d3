package com.miteos.e2e;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/**
 * The seed task of the API reference, end to end on the real stack: accepted, visible at
 * once, planned and run by agents, complete, with a Markdown report that downloads with the
 * key and through its signed URL without one.
 */
class SeedTaskIT {

    static final String SEED_PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";

    private static String token;
    private static String taskId;
    private static JsonPath completed;

    @BeforeAll
    static void runTheSeedTask() {
        token = Stack.demoToken();
        taskId = Stack.as(token)
                .body(Map.of("prompt", SEED_PROMPT, "config", Map.of("max_agents", 3, "autonomy_level", 70,
                        "auto_deploy", false)))
                .post("/v1/tasks")
                .then().statusCode(201).body("status", equalTo("pending"))
                .extract().path("id");
        // Read-your-writes: the task is there right after the POST, and in the list.
        Stack.as(token).get("/v1/tasks/{id}", taskId).then().statusCode(200).body("id", equalTo(taskId));
        Stack.as(token).get("/v1/tasks?limit=100").then().statusCode(200).body("tasks.id", hasItem(taskId));

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() ->
                Stack.as(token).get("/v1/tasks/{id}", taskId).then().statusCode(200).extract()
                        .<String>path("status").equals("complete"));
        completed = Stack.as(token).get("/v1/tasks/{id}", taskId).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void completedTaskShowsItsAgentsCostAndDeliverables() {
        List<Map<String, Object>> agents = completed.getList("agents");
        assertThat(agents).hasSize(3).allSatisfy(agent -> {
            assertThat((String) agent.get("id")).startsWith("agnt_");
            assertThat(agent.get("status")).isEqualTo("done");
            assertThat(agent.get("progress")).isEqualTo(100);
            assertThat(agent).containsKey("current_tool");
        });
        assertThat(completed.getDouble("cost")).isPositive();
        assertThat(completed.getInt("deliverables_count")).isPositive();
        assertThat(completed.getString("updated_at")).endsWith("Z");
        assertThat(completed.getMap("config")).containsEntry("deploy_target", null);
    }

    @Test
    void markdownReportDownloadsWithTheKeyAndThroughItsSignedUrl() throws Exception {
        JsonPath listing = Stack.as(token).get("/v1/tasks/{id}/deliverables", taskId)
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> files = listing.getList("$");
        assertThat(files).hasSize(completed.getInt("deliverables_count"));
        Map<String, Object> report = files.stream().filter(f -> ((String) f.get("name")).endsWith(".md"))
                .findFirst().orElseThrow();
        assertThat((String) report.get("id")).startsWith("dlvr_");
        assertThat(report.get("type")).isEqualTo("text/markdown");

        byte[] body = Stack.as(token)
                .get("/v1/tasks/{id}/deliverables/{file}/download", taskId, report.get("id"))
                .then().statusCode(200)
                .header("Content-Type", startsWith("text/markdown"))
                .header("Content-Length", String.valueOf(report.get("size_bytes")))
                .header("Content-Disposition", startsWith("attachment; filename=\"" + report.get("name") + "\""))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .extract().asByteArray();
        String markdown = new String(body, StandardCharsets.UTF_8);
        assertThat(body).hasSize(((Number) report.get("size_bytes")).intValue());
        assertThat(markdown).startsWith("# ").contains("| ", "Milvus", "Qdrant", "https://");

        HttpClient http = HttpClient.newHttpClient();
        String url = (String) report.get("download_url");
        HttpResponse<byte[]> signed = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.body()).isEqualTo(body);
        assertThat(signed.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");

        String tampered = url.replaceFirst("X-Amz-Signature=.", "X-Amz-Signature=0");
        if (tampered.equals(url)) {
            tampered = url.replaceFirst("X-Amz-Signature=.", "X-Amz-Signature=1");
        }
        assertThat(http.send(HttpRequest.newBuilder(URI.create(tampered)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
        char last = taskId.charAt(taskId.length() - 1);
        String otherTask = taskId.substring(0, taskId.length() - 1) + (last == '0' ? '1' : '0');
        String otherObject = url.replace(taskId, otherTask);
        assertThat(otherObject).isNotEqualTo(url);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(otherObject)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isIn(403, 404);
    }

    @Test
    void aTaskOfAnotherAccountOrModeIsNotFound() {
        Stack.as(Stack.newToken("test")).get("/v1/tasks/{id}", taskId).then().statusCode(404)
                .contentType("application/problem+json");
        Stack.as(Stack.newToken("test")).get("/v1/tasks/{id}/deliverables", taskId).then().statusCode(404);
    }

    @Test
    void completeTaskCannotBeCancelled() {
        Stack.as(token).post("/v1/tasks/{id}/cancel", taskId).then().statusCode(409)
                .contentType("application/problem+json").body("status", equalTo(409));
    }

    @Test
    void theCreatedTaskIsOnTheTaskCreatedTopic() throws Exception {
        // docker-compose keeps Kafka on its private network; the local stack publishes it.
        assumeFalse(Stack.COMPOSE, "Kafka is not reachable from the host under docker-compose");
        assertThat(Kcat.records("task.created")).map(Kcat.Record::value)
                .anySatisfy(value -> assertThat(value).contains("\"task_id\":\"" + taskId + "\"")
                        .contains("\"type\":\"TaskCreated\""));
    }
}
