package com.miteos.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A live task whose model plans fewer, exactly as many, or three times as many work items as
 * {@code max_agents}: the task runs with at most {@code max_agents} agents, the writer last, none
 * of the plan's work lost, and completes. Against the scripted OpenAI-compatible server.
 */
@QuarkusTest
@TestProfile(LiveTaskRunTest.LiveModel.class)
class OvershootingPlanTest {

    private static final int MAX_AGENTS = 3;

    @Inject
    @Any
    InMemoryConnector connector;

    @ParameterizedTest(name = "{0} planned work items for {1} agents")
    @CsvSource({"1, 1", "3, 3", "9, 3"})
    void aPlanOfAnySizeRunsWithAtMostMaxAgentsAndTheWriterLast(int planned, int agents) {
        InMemorySink<String> status = connector.sink("task-status");
        String task = Ids.newId(IdPrefix.TASK);
        String prompt = "PLAN-ITEMS-" + planned + ": compare vector databases, task " + task + ".";
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_live", Mode.LIVE, 0,
                new TaskCreated(prompt, new TaskConfig(MAX_AGENTS, 90, false, null, null), Instant.now()))));

        await().atMost(Duration.ofSeconds(90)).until(() -> PublishedEvents.statuses(status, task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = PublishedEvents.statuses(status, task);
        TaskStatusChanged last = all.get(all.size() - 1);

        assertThat(last.status()).as("error: %s", last.error()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(last.agents()).hasSize(agents);
        assertThat(last.agents().get(agents - 1).type()).isEqualTo("writer");
        assertThat(last.agents()).extracting(AgentState::type).filteredOn("researcher"::equals).hasSize(agents - 1);
        List<String> openings = ScriptedOpenAiServer.get().chatRequests.stream()
                .filter(r -> r.toString().contains(task))
                .filter(r -> r.path("messages").path(0).path("content").asText().contains("researcher agent"))
                .map(r -> r.path("messages").path(1).path("content").asText())
                .distinct().toList();
        String allInstructions = String.join("\n", openings);
        for (int part = 1; part < planned; part++) {
            assertThat(allInstructions).as("the work of researcher %d is kept", part)
                    .contains("Search for part " + part + " of the databases.");
        }
    }
}
