package com.miteos.orchestrator.metrics;

import com.miteos.testing.Scrape;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.PublishedEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Runs sandbox tasks (one completes, one fails, one is cancelled while its agents work) and a
 * malformed command, and reads /q/metrics before, during and after: each domain metric moves by
 * what happened, with its tags. The other tests of this JVM share the registry, so every check is
 * a difference between two scrapes. Then the series exposed must be those the catalog lists.
 */
@QuarkusTest
class OrchestratorMetricsTest {

    private static final String SANDBOX_MODEL = "miteos-sandbox-1";
    private static final String PROMPT = "Compare three open-source vector databases in a Markdown report.";

    @Inject
    @Any
    InMemoryConnector connector;

    @Test
    void sandboxTasksMoveEveryDomainMetric() {
        InMemorySink<String> status = connector.sink("task-status");
        Scrape before = Scrape.now();

        String complete = submit(2, null);
        String failed = submit(2, new SandboxConfig(0, SandboxOutcome.FAIL));
        TaskStatusChanged completed = awaitTerminal(status, complete);
        TaskStatusChanged failure = awaitTerminal(status, failed);

        String slow = submit(3, new SandboxConfig(300, SandboxOutcome.COMPLETE));
        await().atMost(Duration.ofSeconds(20)).until(() -> PublishedEvents.statuses(status, slow).stream()
                .anyMatch(s -> s.status() == TaskStatus.RUNNING));
        // Micrometer holds gauge objects weakly: a gauge whose object only it holds reads NaN after a collection.
        System.gc();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape during = Scrape.now();
            assertThat(during.sum("miteos_agents_active")).as("agents of the running task").isGreaterThanOrEqualTo(1);
            assertThat(during.sum("miteos_tasks_unfinished")).as("sampled from the database").isGreaterThanOrEqualTo(1);
        });
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(slow, "acct_metrics", Mode.TEST, 0,
                new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST))));
        TaskStatusChanged cancelled = awaitTerminal(status, slow);
        assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);

        connector.source("task-commands").send("{\"this is\": \"not an event\"}");

        BigDecimal cost = completed.cost().add(failure.cost()).add(cancelled.cost());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape after = Scrape.now();
            assertThat(delta(before, after, "miteos_tasks_completed_total", "mode", "test")).isEqualTo(1);
            assertThat(delta(before, after, "miteos_tasks_failed_total", "mode", "test", "error_code",
                    failure.error().code())).isEqualTo(1);
            assertThat(delta(before, after, "miteos_tasks_cancelled_total", "mode", "test")).isEqualTo(1);
            for (String end : List.of("complete", "failed", "cancelled")) {
                assertThat(delta(before, after, "miteos_task_duration_seconds_count", "mode", "test", "status", end))
                        .as("duration of the %s task", end).isEqualTo(1);
            }
            assertThat(delta(before, after, "miteos_task_duration_seconds_bucket", "status", "complete", "le", "+Inf"))
                    .isEqualTo(1);
            assertThat(delta(before, after, "miteos_task_first_step_seconds_count", "mode", "test"))
                    .as("the complete and the cancelled task made steps").isGreaterThanOrEqualTo(2);
            assertThat(delta(before, after, "miteos_model_call_duration_seconds_count", "model", SANDBOX_MODEL,
                    "purpose", "plan", "outcome", "ok")).isGreaterThanOrEqualTo(3);
            assertThat(delta(before, after, "miteos_model_call_duration_seconds_count", "model", SANDBOX_MODEL,
                    "purpose", "agent_step", "outcome", "ok")).isGreaterThanOrEqualTo(2);
            assertThat(delta(before, after, "miteos_model_tokens_total", "model", SANDBOX_MODEL, "direction", "input"))
                    .isPositive();
            assertThat(delta(before, after, "miteos_model_tokens_total", "model", SANDBOX_MODEL, "direction", "output"))
                    .isPositive();
            assertThat(delta(before, after, "miteos_tool_calls_total", "tool", "web_search", "outcome", "ok"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(delta(before, after, "miteos_tool_calls_total", "tool", "write_file", "outcome", "ok"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(delta(before, after, "miteos_cost_usd_total", "mode", "test"))
                    .as("what the three tasks show as their cost, each credit counted once")
                    .isCloseTo(cost.doubleValue(), within(1e-9));
            assertThat(delta(before, after, "miteos_dlq_records_total", "group", "agent-orchestrator",
                    "reason", "malformed")).isEqualTo(1);
        });
        exposesExactlyTheCatalogedMetrics(Scrape.now());
    }

    /**
     * Once every kind of fact has happened, the orchestrator exposes exactly the miteos_* series
     * deploy/prometheus/metrics.txt lists for it (what dashboards and alerts may use), each with a
     * description.
     */
    private static void exposesExactlyTheCatalogedMetrics(Scrape scrape) {
        Set<String> catalog = Scrape.catalog("agent-orchestrator");
        assertThat(catalog).isNotEmpty();
        assertThat(scrape.names()).as("exposed at /q/metrics").containsAll(catalog);
        assertThat(scrape.names()).filteredOn(name -> name.startsWith("miteos_"))
                .as("listed in deploy/prometheus/metrics.txt").allMatch(catalog::contains);
        assertThat(catalog).allSatisfy(name -> assertThat(scrape.description(name))
                .as("description of " + name).isNotBlank());
    }

    @Test
    void noTaskOrAccountIdBecomesATag() {
        submit(1, null);
        Scrape scrape = Scrape.now();

        assertThat(scrape.samples()).filteredOn(s -> s.name().startsWith("miteos_"))
                .allSatisfy(s -> assertThat(s.labels().values())
                        .noneMatch(v -> v.startsWith("task_") || v.startsWith("acct_") || v.startsWith("agnt_")));
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private String submit(int maxAgents, SandboxConfig sandbox) {
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_metrics", Mode.TEST, 0,
                new TaskCreated(PROMPT, new TaskConfig(maxAgents, 70, false, null, sandbox), Instant.now()))));
        return task;
    }

    private static TaskStatusChanged awaitTerminal(InMemorySink<String> status, String task) {
        await().atMost(Duration.ofSeconds(30)).until(() -> PublishedEvents.statuses(status, task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = PublishedEvents.statuses(status, task);
        return all.get(all.size() - 1);
    }
}
