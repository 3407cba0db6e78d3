package com.miteos.orchestrator;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A task that uses more model tokens than its budget fails with a clear error code. */
@QuarkusTest
@TestProfile(TokenBudgetTest.SmallBudget.class)
class TokenBudgetTest {

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("miteos.agents.max-tokens-per-task", "2000");
        }
    }

    @Inject
    @Any
    InMemoryConnector connector;

    @Test
    void overTheTokenBudgetTheTaskFails() {
        InMemorySink<String> status = connector.sink("task-status");
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", Mode.TEST, 0,
                new TaskCreated(SandboxTaskRunTest.SEED_PROMPT, new TaskConfig(3, 90, false, null, null),
                        Instant.now()))));

        await().atMost(Duration.ofSeconds(30)).until(() -> statuses(status, task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = statuses(status, task);
        TaskStatusChanged last = all.get(all.size() - 1);
        assertThat(last.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(last.error().code()).isEqualTo("token_limit_exceeded");
    }

    private static List<TaskStatusChanged> statuses(InMemorySink<String> sink, String task) {
        return PublishedEvents.statuses(sink, task);
    }
}
