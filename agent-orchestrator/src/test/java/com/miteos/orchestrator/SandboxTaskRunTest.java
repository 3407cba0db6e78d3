package com.miteos.orchestrator;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.adapter.llm.UnconfiguredModel;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.port.llm.ModeProviders;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs sandbox tasks through the real pipeline (planner, concurrent agent loops, tools,
 * object storage) and checks the events it publishes: a status stream in sequence order that
 * ends complete, failed or cancelled, and deliverables that really are in storage.
 */
@QuarkusTest
class SandboxTaskRunTest {

    static final String SEED_PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    OrchestratorConfig config;

    @Inject
    ModeProviders providers;

    private InMemorySink<String> status;
    private InMemorySink<String> deliverables;

    @BeforeEach
    void setUp() {
        status = connector.sink("task-status");
        deliverables = connector.sink("task-deliverable");
        status.clear();
        deliverables.clear();
    }

    @Test
    void seedTaskPlansRunsAgentsAndWritesAMarkdownReport() throws Exception {
        String task = submit(SEED_PROMPT, 3, null);

        TaskStatusChanged last = awaitTerminal(task);

        assertThat(last.status()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(last.agents()).hasSize(3).allMatch(a -> a.status() == AgentStatus.DONE && a.progress() == 100);
        assertThat(last.agents()).extracting(AgentState::type).last().isEqualTo("writer");
        assertThat(last.cost()).isPositive();
        List<DeliverableCreated> files = deliverablesOf(task);
        assertThat(last.deliverablesCount()).isEqualTo(files.size());
        DeliverableCreated report = files.stream().filter(f -> f.name().endsWith(".md")).findFirst().orElseThrow();
        assertThat(report.contentType()).isEqualTo("text/markdown");
        String markdown = read(report.objectKey());
        assertThat(markdown.getBytes(StandardCharsets.UTF_8)).hasSize((int) report.sizeBytes());
        assertThat(markdown).contains("# ", "|", "Milvus", "Qdrant", "http");

        List<EventEnvelope<EventPayload>> events = eventsOf(task);
        assertThat(events).extracting(EventEnvelope::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(statuses(task)).extracting(TaskStatusChanged::status)
                .startsWith(TaskStatus.PLANNING).contains(TaskStatus.RUNNING);
        assertThat(statuses(task)).anySatisfy(s -> assertThat(s.agents())
                .anyMatch(a -> a.status() == AgentStatus.ACTING && "web_search".equals(a.currentTool())));
        assertThat(statuses(task)).extracting(TaskStatusChanged::cost).isSortedAccordingTo(BigDecimal::compareTo);
    }

    @Test
    void sameSandboxTaskCostsTheSameEveryTime() {
        String first = submit(SEED_PROMPT, 2, null);
        String second = submit(SEED_PROMPT, 2, null);

        assertThat(awaitTerminal(first).cost()).isEqualByComparingTo(awaitTerminal(second).cost());
    }

    @Test
    void failOutcomeEndsFailedWithAnErrorCode() {
        String task = submit("Compare three web frameworks.", 2, new SandboxConfig(0, SandboxOutcome.FAIL));

        TaskStatusChanged last = awaitTerminal(task);

        assertThat(last.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(last.error()).isNotNull();
        assertThat(last.error().code()).isEqualTo("sandbox_failure");
        assertThat(last.agents()).noneMatch(a -> a.status() == AgentStatus.ACTING);
    }

    @Test
    void cancelStopsAgentsAndNothingIsPublishedAfterwards() {
        String task = submit(SEED_PROMPT, 3, new SandboxConfig(300, SandboxOutcome.COMPLETE));
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(task).stream()
                .anyMatch(s -> s.status() == TaskStatus.RUNNING));

        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", Mode.TEST, 0,
                new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST))));

        TaskStatusChanged last = awaitTerminal(task);
        assertThat(last.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(last.agents()).allMatch(a -> a.status().isFinished());
        int published = eventsOf(task).size();
        // Nothing may change any more: once the first look after the delay holds, it holds; if it never
        // does, the await fails. The long limit only tolerates a slow read on a busy machine.
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(eventsOf(task)).hasSize(published));
    }

    @Test
    void cancelThatArrivesBeforeItsTaskWins() {
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", Mode.TEST, 0,
                new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST))));
        send(task, SEED_PROMPT, 3, null, Mode.TEST);

        TaskStatusChanged last = awaitTerminal(task);
        assertThat(last.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(deliverablesOf(task)).isEmpty();
    }

    /**
     * No model is configured in tests, whatever the shell exports. "Promptly" means within 5 s here,
     * a generous bound on a loaded machine, yet shorter than any retrying with backoff would take.
     */
    @Test
    void liveTaskWithoutAModelFailsPromptlyWithAClearCode() {
        assertThat(providers.model(Mode.LIVE, new TaskConfig(3, 90, false, null, null))).as("no live model, so no model request can go anywhere")
                .isInstanceOf(UnconfiguredModel.class);
        String task = Ids.newId(IdPrefix.TASK);
        send(task, SEED_PROMPT, 3, null, Mode.LIVE);

        await().atMost(Duration.ofSeconds(5)).until(() -> statuses(task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = statuses(task);
        TaskStatusChanged last = all.get(all.size() - 1);
        assertThat(last.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(last.error().code()).isEqualTo("model_not_configured");
        // It ended at planning: no agent started, nothing was charged.
        assertThat(all).extracting(TaskStatusChanged::status).doesNotContain(TaskStatus.RUNNING);
        assertThat(last.agents()).isEmpty();
        assertThat(last.cost()).isZero();
    }

    private String submit(String prompt, int maxAgents, SandboxConfig sandbox) {
        String task = Ids.newId(IdPrefix.TASK);
        send(task, prompt, maxAgents, sandbox, Mode.TEST);
        return task;
    }

    private void send(String task, String prompt, int maxAgents, SandboxConfig sandbox, Mode mode) {
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", mode, 0,
                new TaskCreated(prompt, new TaskConfig(maxAgents, 70, false, null, sandbox), Instant.now()))));
    }

    private TaskStatusChanged awaitTerminal(String task) {
        await().atMost(Duration.ofSeconds(30)).until(() -> statuses(task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = statuses(task);
        return all.get(all.size() - 1);
    }

    private List<EventEnvelope<EventPayload>> eventsOf(String task) {
        return java.util.stream.Stream.concat(status.received().stream(), deliverables.received().stream())
                .map(m -> EventJson.fromJson(m.getPayload()))
                .filter(e -> e.taskId().equals(task))
                .sorted(java.util.Comparator.comparingLong(EventEnvelope::sequence))
                .toList();
    }

    private List<TaskStatusChanged> statuses(String task) {
        return PublishedEvents.statuses(status, task);
    }

    private List<DeliverableCreated> deliverablesOf(String task) {
        return PublishedEvents.deliverables(deliverables, task);
    }

    private String read(String key) throws Exception {
        OrchestratorConfig.Storage s3 = config.s3();
        MinioClient client = MinioClient.builder().endpoint(s3.endpoint()).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(s3.bucket()).object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
