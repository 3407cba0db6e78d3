package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.PublishedEvents;
import com.miteos.orchestrator.config.OrchestratorConfig;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The task time limit ({@code miteos.agents.task-timeout}, 30 minutes in tests): a task that
 * worked longer fails with {@code time_limit_exceeded}, and time spent paused does not count.
 * Rather than wait half an hour, the test asks the time-limit check what it makes of a moment
 * past the limit; the check is the one the supervisor clock runs every second.
 */
@QuarkusTest
class TaskTimeLimitsTest {

    static final String PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    TaskTimeLimits limits;

    @Inject
    OrchestratorConfig config;

    @Test
    void aTaskOverItsTimeLimitFailsButTimeSpentPausedDoesNotCount() {
        Duration limit = config.agents().taskTimeout();
        // Sandbox steps of a second each: the task is still at work whenever the check runs.
        String task = submit(new SandboxConfig(1_000, SandboxOutcome.COMPLETE));
        await().atMost(Duration.ofSeconds(30)).until(() -> statusesOf(task).contains(TaskStatus.RUNNING));

        limits.enforce(Instant.now());
        command(task, new TaskPauseRequested(TaskPauseRequested.CLIENT_REQUEST));
        await().atMost(Duration.ofSeconds(30)).until(() -> statusesOf(task).contains(TaskStatus.PAUSED));
        // Past the limit, but all of that time paused: the task lives on, as its resume shows.
        limits.enforce(Instant.now().plus(limit).plusSeconds(60));
        command(task, new TaskResumeRequested(null));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<TaskStatus> statuses = statusesOf(task);
            return statuses.subList(statuses.lastIndexOf(TaskStatus.PAUSED), statuses.size())
                    .contains(TaskStatus.RUNNING);
        });
        limits.enforce(Instant.now().plus(limit).plusSeconds(60));

        await().atMost(Duration.ofSeconds(30)).until(() -> last(task).status().isTerminal());
        TaskStatusChanged last = last(task);
        assertThat(last.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(last.error().code()).isEqualTo("time_limit_exceeded");
        assertThat(last.error().message()).contains(limit.toString()).contains("paused does not count");
        assertThat(statusesOf(task)).containsSubsequence(TaskStatus.RUNNING, TaskStatus.PAUSED, TaskStatus.RUNNING,
                TaskStatus.FAILED);
    }

    private String submit(SandboxConfig sandbox) {
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", Mode.TEST, 0,
                new TaskCreated(PROMPT, new TaskConfig(3, 90, false, null, sandbox), Instant.now()))));
        return task;
    }

    private void command(String task, EventPayload payload) {
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", Mode.TEST, 0,
                payload)));
    }

    private List<TaskStatus> statusesOf(String task) {
        return statuses(task).stream().map(TaskStatusChanged::status).toList();
    }

    private TaskStatusChanged last(String task) {
        List<TaskStatusChanged> all = statuses(task);
        return all.get(all.size() - 1);
    }

    private List<TaskStatusChanged> statuses(String task) {
        InMemorySink<String> status = connector.sink("task-status");
        return PublishedEvents.statuses(status, task);
    }
}
