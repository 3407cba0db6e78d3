package com.miteos.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.Mode;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.adapter.webhook.WebhookDeploy;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.sun.net.httpserver.HttpServer;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Autonomy in practice: low levels pause for the plan and for deploys until the user resumes;
 * a user can pause and resume a running task; and auto-deploy publishes to an S3 bucket and to
 * a signed webhook.
 */
@QuarkusTest
class ApprovalAndDeployTest {

    static final String PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";
    static final String WEBHOOK_SECRET = "test-webhook-secret";

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    OrchestratorConfig config;

    private InMemorySink<String> status;

    @BeforeEach
    void setUp() {
        status = connector.sink("task-status");
        status.clear();
    }

    @Test
    void lowAutonomyWaitsForPlanApprovalAndTheResumeMessageReachesTheRun() {
        String task = submit(10, false, null, 0);

        TaskStatusChanged paused = awaitStatus(task, TaskStatus.PAUSED);
        assertThat(paused.statusDetail().reason()).isEqualTo(StatusDetail.AWAITING_APPROVAL);
        assertThat(paused.statusDetail().action().type()).isEqualTo(PendingAction.PLAN);
        assertThat(paused.statusDetail().action().details()).isNotEmpty();
        assertThat(paused.agents()).isEmpty();
        EventEnvelope<EventPayload> waiting = lastEvent(task);
        assertThat(waiting.payload()).isEqualTo(paused);

        command(task, new TaskResumeRequested("Include licences."));

        TaskStatusChanged done = awaitTerminal(task);
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(done.statusDetail()).isNull();
        assertThat(statuses(task)).extracting(TaskStatusChanged::status)
                .containsSubsequence(TaskStatus.PLANNING, TaskStatus.PAUSED, TaskStatus.RUNNING, TaskStatus.COMPLETE);
        // Nothing moved while the plan waited: the event after the pause is the resume, before any agent.
        EventEnvelope<EventPayload> next = events(task).stream()
                .filter(e -> e.sequence() > waiting.sequence()).findFirst().orElseThrow();
        assertThat(next.sequence()).isEqualTo(waiting.sequence() + 1);
        assertThat(next.payload()).isInstanceOfSatisfying(TaskStatusChanged.class, resumed -> {
            assertThat(resumed.status()).isNotEqualTo(TaskStatus.PAUSED);
            assertThat(resumed.agents()).isEmpty();
        });
    }

    @Test
    void highAutonomyNeverPauses() {
        String task = submit(90, false, null, 0);

        assertThat(awaitTerminal(task).status()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(statuses(task)).extracting(TaskStatusChanged::status).doesNotContain(TaskStatus.PAUSED);
    }

    /**
     * Agents in the middle of a step finish it, then each shows WAITING at its next step boundary,
     * where the pause holds it. Once every unfinished agent waits, nothing may move: the next event
     * of the task, whenever the resume comes, must be the resume itself, with the agents where
     * they stopped.
     */
    @Test
    void userPauseStopsAgentsUntilResumed() {
        String task = submit(90, false, null, 300);
        awaitStatus(task, TaskStatus.RUNNING);

        command(task, new TaskPauseRequested(TaskPauseRequested.CLIENT_REQUEST));

        TaskStatusChanged paused = awaitStatus(task, TaskStatus.PAUSED);
        assertThat(paused.statusDetail().reason()).isEqualTo(StatusDetail.PAUSED_BY_USER);
        await().atMost(Duration.ofSeconds(30)).until(() -> everyAgentWaits(last(task)));
        EventEnvelope<EventPayload> settled = lastEvent(task);
        TaskStatusChanged held = (TaskStatusChanged) settled.payload();
        assertThat(held.status()).isEqualTo(TaskStatus.PAUSED);

        command(task, new TaskResumeRequested(null));

        await().atMost(Duration.ofSeconds(30)).until(() -> lastEvent(task).sequence() > settled.sequence());
        EventEnvelope<EventPayload> next = events(task).stream()
                .filter(e -> e.sequence() > settled.sequence()).findFirst().orElseThrow();
        assertThat(next.sequence()).isEqualTo(settled.sequence() + 1);
        assertThat(next.payload()).isInstanceOfSatisfying(TaskStatusChanged.class, resumed -> {
            assertThat(resumed.status()).isEqualTo(TaskStatus.RUNNING);
            assertThat(resumed.agents()).isEqualTo(held.agents());
        });
        assertThat(awaitTerminal(task).status()).isEqualTo(TaskStatus.COMPLETE);
    }

    private static boolean everyAgentWaits(TaskStatusChanged status) {
        return status != null && !status.agents().isEmpty() && status.agents().stream()
                .allMatch(agent -> agent.status() == AgentStatus.WAITING || agent.status().isFinished());
    }

    @Test
    void aPausedTaskCanBeCancelled() {
        String task = submit(10, false, null, 0);
        awaitStatus(task, TaskStatus.PAUSED);

        command(task, new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST));

        assertThat(awaitTerminal(task).status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void deployToS3WaitsForApprovalThenPublishesTheFilesAndAnIndex() throws Exception {
        MinioClient s3 = s3();
        String bucket = "miteos-deploy-test";
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
        String task = submit(50, true, "s3://" + bucket + "/site", 0);

        TaskStatusChanged waiting = awaitStatus(task, TaskStatus.PAUSED);
        assertThat(waiting.statusDetail().action().type()).isEqualTo(PendingAction.DEPLOY);
        assertThat(waiting.deployment().status()).isEqualTo(Deployment.AWAITING_APPROVAL);
        command(task, new TaskResumeRequested(null));

        TaskStatusChanged done = awaitTerminal(task);
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(done.deployment().status()).isEqualTo(Deployment.SUCCEEDED);
        // Every deploy lands in the owner's own folder of the bucket.
        assertThat(done.deployment().url()).endsWith("/" + bucket + "/acct_test/test/site/index.html");
        assertThat(read(s3, bucket, "acct_test/test/site/index.html")).contains("vector-database-comparison.md");
        assertThat(read(s3, bucket, "acct_test/test/site/vector-database-comparison.md")).startsWith("# ");
    }

    @Test
    void aBucketTheOperatorDidNotListIsRefused() {
        String task = submit(90, true, "s3://miteos-deliverables/planted", 0);

        TaskStatusChanged done = awaitTerminal(task);
        assertThat(done.status()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(done.deployment().status()).isEqualTo(Deployment.FAILED);
        assertThat(done.deployment().error().code()).isEqualTo("deploy_target_refused");
    }

    @Test
    void deployToAWebhookSendsASignedManifest() throws Exception {
        List<Map.Entry<String, byte[]>> deliveries = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            deliveries.add(Map.entry(exchange.getRequestHeaders().getFirst(WebhookDeploy.SIGNATURE_HEADER),
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String target = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            String task = submit(90, true, target, 0);

            TaskStatusChanged done = awaitTerminal(task);
            assertThat(done.deployment().status()).isEqualTo(Deployment.SUCCEEDED);
            assertThat(deliveries).hasSize(1);
            String signature = deliveries.get(0).getKey();
            byte[] body = deliveries.get(0).getValue();
            long timestamp = Long.parseLong(signature.replaceAll("^t=(\\d+),v1=.*$", "$1"));
            assertThat(signature).endsWith(",v1=" + WebhookDeploy.sign(WEBHOOK_SECRET, timestamp, body));
            assertThat(Math.abs(Instant.now().getEpochSecond() - timestamp)).isLessThan(60);
            JsonNode manifest = new ObjectMapper().readTree(body);
            assertThat(manifest.get("task_id").asText()).isEqualTo(task);
            assertThat(manifest.get("files")).hasSize(done.deliverablesCount());
            assertThat(manifest.get("files").get(0).get("download_url").asText()).contains("X-Amz-Signature=");
        } finally {
            receiver.stop(0);
        }
    }

    private String submit(int autonomy, boolean autoDeploy, String target, int stepDelay) {
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", Mode.TEST, 0,
                new TaskCreated(PROMPT, new TaskConfig(3, autonomy, autoDeploy, target,
                        new SandboxConfig(stepDelay, SandboxOutcome.COMPLETE)), Instant.now()))));
        return task;
    }

    private void command(String task, EventPayload payload) {
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", Mode.TEST, 0,
                payload)));
    }

    private TaskStatusChanged awaitStatus(String task, TaskStatus wanted) {
        await().atMost(Duration.ofSeconds(30)).until(() -> statuses(task).stream().anyMatch(s -> s.status() == wanted));
        return statuses(task).stream().filter(s -> s.status() == wanted).findFirst().orElseThrow();
    }

    private TaskStatusChanged awaitTerminal(String task) {
        await().atMost(Duration.ofSeconds(30)).until(() -> last(task) != null && last(task).status().isTerminal());
        return last(task);
    }

    private TaskStatusChanged last(String task) {
        List<TaskStatusChanged> all = statuses(task);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private List<TaskStatusChanged> statuses(String task) {
        return PublishedEvents.statuses(status, task);
    }

    /** Every event of the task, status and deliverable, in sequence order. */
    private List<EventEnvelope<EventPayload>> events(String task) {
        InMemorySink<String> deliverables = connector.sink("task-deliverable");
        return java.util.stream.Stream.concat(status.received().stream(), deliverables.received().stream())
                .map(m -> EventJson.fromJson(m.getPayload()))
                .filter(e -> e.taskId().equals(task))
                .sorted(java.util.Comparator.comparingLong(EventEnvelope::sequence))
                .toList();
    }

    private EventEnvelope<EventPayload> lastEvent(String task) {
        List<EventEnvelope<EventPayload>> all = events(task);
        return all.get(all.size() - 1);
    }

    private MinioClient s3() {
        OrchestratorConfig.Storage s3 = config.s3();
        return MinioClient.builder().endpoint(s3.endpoint()).region(s3.region())
                .credentials(s3.accessKey(), s3.secretKey()).build();
    }

    private static String read(MinioClient s3, String bucket, String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
