package com.miteos.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * A task's log lines name it, its account and its trace (issue 10: JSON logs carry
 * {@code task_id}, {@code account_id}, {@code trace_id}, {@code span_id}), so an operator can go
 * from a task to every line about it and on to its trace. Checked on the lines the gateway and the
 * orchestrator write for one sandbox task (the read models log nothing per event).
 */
class LogContextIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLineAboutATaskNamesTheTaskItsAccountAndItsTrace() {
        assumeFalse(Stack.COMPOSE, "under docker-compose the logs stay in the containers");
        String account = Stack.newAccount();
        String token = Stack.newKey(account, "test").getString("token");
        String task = Stack.as(token).body(Map.of("prompt", "Log context check.",
                        "config", Map.of("max_agents", 1, "sandbox", Map.of("step_delay_ms", 0)))).post("/v1/tasks")
                .then().statusCode(201).extract().path("id");

        List<JsonNode> gateway = awaitLines("api-gateway.log", task, "accepted");
        List<JsonNode> orchestrator = awaitLines("agent-orchestrator.log", task, "finished");

        assertThat(Stream.concat(gateway.stream(), orchestrator.stream())).allSatisfy(line -> {
            JsonNode mdc = line.path("mdc");
            assertThat(mdc.path("task_id").asText()).as("task_id of %s", line.path("message")).isEqualTo(task);
            assertThat(mdc.path("account_id").asText()).as("account_id of %s", line.path("message"))
                    .isEqualTo(account);
            assertThat(mdc.path("trace_id").asText()).as("trace_id of %s", line.path("message")).matches("[0-9a-f]{32}");
            assertThat(mdc.path("span_id").asText()).as("span_id of %s", line.path("message")).matches("[0-9a-f]{16}");
        });
        assertThat(orchestrator).extracting(line -> line.path("mdc").path("trace_id").asText())
                .as("the orchestrator's lines are in the trace the POST began")
                .containsOnly(gateway.get(0).path("mdc").path("trace_id").asText());
    }

    /** The JSON lines of a service's log whose message is about the task, once one of them says {@code until}. */
    private static List<JsonNode> awaitLines(String file, String task, String until) {
        Path log = Stack.STATE.resolve("logs").resolve(file);
        String about = "task " + task + ": ";
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> linesAbout(log, about), lines -> lines.stream()
                        .anyMatch(line -> line.path("message").asText().startsWith(about + until)));
    }

    private static List<JsonNode> linesAbout(Path log, String about) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(about)).map(LogContextIT::parse)
                    .filter(line -> line.path("message").asText().startsWith(about)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON log line: " + line, e);
        }
    }
}
