package com.miteos.e2e;

import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs every curl example of the API reference with curl itself, verbatim but for the host and
 * the token: first as written (its example ids do not exist here, so they must be clean 404
 * problems), then with the ids of a task the first example created.
 */
class ReferenceExamplesIT {

    private static final String REFERENCE_HOST = "https://api.miteos.com";
    private static final String REFERENCE_TOKEN = "mt_live_xxxxxxxxxxxx";
    private static final String EXAMPLE_TASK = "task_01hwxyz4k8p3mq9rbn2csved";
    private static final String EXAMPLE_FILE = "dlvr_01hwxyzb2c9pk5rt8nv7gmwxq";

    @TempDir
    Path workDir;

    @Test
    void everyReferenceExampleWorksAgainstTheLocalStack() throws Exception {
        List<String> examples = examples();
        assertThat(examples).hasSize(6);
        String token = Stack.demoToken();

        Result created = curl(examples.get(0), token);
        assertThat(created.status()).isEqualTo(201);
        JsonPath task = JsonPath.from(created.body());
        String taskId = task.getString("id");
        assertThat(task.getString("status")).isEqualTo("pending");
        assertThat(task.getInt("config.max_agents")).isEqualTo(3);
        assertThat(task.getInt("config.autonomy_level")).isEqualTo(70);
        assertThat(task.getBoolean("config.auto_deploy")).isFalse();
        assertThat(task.getMap("config")).containsEntry("deploy_target", null);

        Result list = curl(examples.get(1), token);
        assertThat(list.status()).isEqualTo(200);
        assertThat(JsonPath.from(list.body()).getInt("limit")).isEqualTo(20);
        assertThat(JsonPath.from(list.body()).getInt("offset")).isZero();
        for (String example : examples.subList(2, 6)) {
            Result missing = curl(example, token);
            assertThat(missing.status()).as(example).isEqualTo(404);
        }

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                "complete".equals(Stack.as(token).get("/v1/tasks/{id}", taskId).then().extract().path("status")));
        String fileId = Stack.as(token).get("/v1/tasks/{id}/deliverables", taskId).then().statusCode(200)
                .extract().path("find { it.name.endsWith('.md') }.id");
        String fileName = Stack.as(token).get("/v1/tasks/{id}/deliverables", taskId).then()
                .extract().path("find { it.id == '" + fileId + "' }.name");

        assertThat(curl(real(examples.get(2), taskId, fileId), token).status()).isEqualTo(200);
        Result deliverables = curl(real(examples.get(4), taskId, fileId), token);
        assertThat(deliverables.status()).isEqualTo(200);
        assertThat(JsonPath.from(deliverables.body()).getList("id")).contains(fileId);
        Result download = curl(real(examples.get(5), taskId, fileId), token);
        assertThat(download.status()).isEqualTo(200);
        Path saved = workDir.resolve(fileName);
        assertThat(saved).exists();
        assertThat(Files.readString(saved)).startsWith("# ");
        assertThat(curl(real(examples.get(3), taskId, fileId), token).status()).isEqualTo(409);
    }

    private static String real(String example, String taskId, String fileId) {
        return example.replace(EXAMPLE_TASK, taskId).replace(EXAMPLE_FILE, fileId);
    }

    private Result curl(String example, String token) throws IOException, InterruptedException {
        String command = example.replace(REFERENCE_HOST, Stack.BASE_URL).replace(REFERENCE_TOKEN, token)
                + " -sS -w '\\n%{http_code}'";
        Process process = new ProcessBuilder("bash", "-c", command).directory(workDir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int split = output.lastIndexOf('\n');
        return new Result(Integer.parseInt(output.substring(split + 1).trim()), output.substring(0, Math.max(split, 0)));
    }

    private static List<String> examples() throws IOException {
        try (InputStream in = ReferenceExamplesIT.class.getResourceAsStream("/reference/curl-examples.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return List.of(text.strip().split("\n\n"));
        }
    }

    private record Result(int status, String body) {
    }
}
