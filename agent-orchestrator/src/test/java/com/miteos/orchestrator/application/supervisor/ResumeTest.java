package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.miteos.orchestrator.PublishedEvents;
import com.miteos.orchestrator.port.journal.DurableJournal;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run dropped in the middle, as if its orchestrator had died, and then claimed from the
 * database like a dead instance's task: it goes on from its checkpoints and ends exactly like a
 * run that never crashed (same files, once each; same cost: no completed call repeated or
 * counted twice), and a cancel recorded while nobody ran it wins before any further step.
 */
@QuarkusTest
class ResumeTest {

    static final String PROMPT =
            "Research the top 5 open-source vector databases and produce a comparison report as a Markdown file.";

    /** MITEOS_MAX_RESUMES' default. */
    static final int MAX_RESUMES = 5;

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    TaskCommandHandler commands;

    @Inject
    TaskRecovery recovery;

    @Inject
    RunningTasks running;

    @Inject
    Pool pool;

    @Inject
    DurableJournal journal;

    private InMemorySink<String> status;
    private InMemorySink<String> deliverables;

    @BeforeEach
    void setUp() {
        status = connector.sink("task-status");
        deliverables = connector.sink("task-deliverable");
    }

    @Test
    void aRunDroppedMidwayResumesFromItsCheckpointsAndEndsLikeACrashFreeRun() {
        String reference = submit(0);
        TaskStatusChanged expected = awaitTerminal(reference);

        String task = submit(250);
        awaitCheckpoints(task, 2);
        crash(task);
        orphan(task);
        recovery.watchdog();

        TaskStatusChanged last = awaitTerminal(task);
        assertThat(last.status()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(last.cost()).isEqualByComparingTo(expected.cost());
        assertThat(last.agents()).extracting(AgentState::cost)
                .usingElementComparator(Comparator.naturalOrder())
                .containsExactlyElementsOf(expected.agents().stream().map(AgentState::cost).toList());
        assertThat(names(task)).containsExactlyInAnyOrderElementsOf(names(reference));
        assertThat(deliverablesOf(task).stream().map(DeliverableCreated::deliverableId).distinct())
                .hasSameSizeAs(names(task));
        assertThat(last.deliverablesCount()).isEqualTo(expected.deliverablesCount());
        assertThat(resumes(task)).isEqualTo(1);
        List<Long> sequences = status.received().stream().map(m -> EventJson.fromJson(m.getPayload()))
                .filter(e -> e.taskId().equals(task)).map(EventEnvelope::sequence).toList();
        assertThat(sequences).as("status events in the order published").doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aCancelRecordedWhileNobodyRanTheTaskWinsBeforeAnyFurtherStep() {
        String task = submit(400);
        awaitCheckpoints(task, 1);
        crash(task);
        await().atMost(Duration.ofSeconds(10)).until(() -> unsentOutboxRows() == 0);
        List<TaskStatusChanged> before = statuses(task);
        TaskStatusChanged atCrash = before.get(before.size() - 1);

        commands.cancel(task).await().atMost(Duration.ofSeconds(10));
        orphan(task);
        recovery.watchdog();

        TaskStatusChanged last = awaitTerminal(task);
        assertThat(last.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(last.cost()).isEqualByComparingTo(atCrash.cost());
        assertThat(last.deliverablesCount()).isEqualTo(atCrash.deliverablesCount());
        assertThat(statuses(task).subList(before.size(), statuses(task).size()))
                .allMatch(s -> s.status() == TaskStatus.CANCELLED);
    }

    @Test
    void aTaskThatKeepsLosingItsOrchestratorFailsWithOwnerLostInsteadOfRunningAgain() {
        String task = submit(400);
        awaitCheckpoints(task, 1);
        crash(task);
        pool.preparedQuery("UPDATE tasks SET resumes = $2 WHERE task_id = $1")
                .execute(Tuple.of(task, MAX_RESUMES)).await().indefinitely();
        orphan(task);
        recovery.watchdog();

        TaskStatusChanged last = awaitTerminal(task);
        assertThat(last.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(last.error().code()).isEqualTo("owner_lost");
        assertThat(resumes(task)).isEqualTo(MAX_RESUMES + 1);
    }

    @Test
    void anInstanceWhoseTaskWasTakenOverWritesNothingMoreOfIt() {
        String task = submit(300);
        awaitCheckpoints(task, 1);
        // Another instance, alive (heartbeating), took the task over while this one stalled.
        pool.query("""
                INSERT INTO instances (instance_id, heartbeat_at) VALUES ('another-instance', now() + interval '1 hour')
                ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at""")
                .execute().await().indefinitely();
        pool.preparedQuery("""
                        UPDATE tasks SET owner = 'another-instance', lease_epoch = nextval('lease_epochs')
                        WHERE task_id = $1""")
                .execute(Tuple.of(task)).await().indefinitely();

        await().atMost(Duration.ofSeconds(10)).until(() -> running.find(task).isEmpty());
        String state = storedState(task);
        int published = statuses(task).size();
        // Nothing changes any more, and the task never ends here: a run that went on would finish within seconds.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(storedState(task)).isEqualTo(state);
            assertThat(statuses(task)).hasSize(published).noneMatch(s -> s.status().isTerminal());
        });
    }

    @Test
    void aCancelThatCameBeforeItsTaskIsRecordedOnTheTaskItself() {
        String task = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_resume", Mode.TEST, 0,
                new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST))));
        send(task, 0);

        assertThat(awaitTerminal(task).status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(pool.preparedQuery("SELECT cancel_requested FROM tasks WHERE task_id = $1").execute(Tuple.of(task))
                .await().indefinitely().iterator().next().getBoolean("cancel_requested"))
                .as("a crash before the cancelled state is written must still find the cancel").isTrue();
    }

    @Test
    void aCommandMissingWhatItNeedsIsSetAsideAndTheNextOnesRun() {
        String broken = Ids.newId(IdPrefix.TASK);
        connector.source("task-commands").send("""
                {"event_id":"evt_broken","type":"TaskCreated","task_id":"%s","sequence":0,
                 "occurred_at":"2026-11-28T00:00:00Z","payload":{"prompt":"p","config":{"max_agents":1}}}"""
                .formatted(broken));
        String next = submit(0);

        assertThat(awaitTerminal(next).status()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(statuses(broken)).isEmpty();
    }

    /**
     * The task's orchestrator dies: its run stops where it is. What it had handed to the journal
     * before is written first: a dead process writes nothing later, and this one would not
     * either (the resume claims the task under a new epoch), but the test reads the state it left.
     */
    private void crash(String task) {
        running.forget(task);
        Uni.createFrom().completionStage(journal.whenIdle()).await().atMost(Duration.ofSeconds(10));
    }

    /**
     * The dead orchestrator's tasks become orphans: their owner no longer heartbeats. Only now
     * may a watchdog pass (the test's, or the supervisor clock's) resume the task, so a test
     * sets up what the resume must find (a cancel, a resume count) before calling this.
     */
    private void orphan(String task) {
        pool.preparedQuery("UPDATE tasks SET owner = 'a-dead-instance' WHERE task_id = $1")
                .execute(Tuple.of(task)).await().indefinitely();
    }

    private String storedState(String task) {
        return pool.preparedQuery("SELECT state FROM tasks WHERE task_id = $1").execute(Tuple.of(task))
                .await().indefinitely().iterator().next().getString("state");
    }

    private String submit(int stepDelayMs) {
        String task = Ids.newId(IdPrefix.TASK);
        send(task, stepDelayMs);
        return task;
    }

    private void send(String task, int stepDelayMs) {
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_resume", Mode.TEST, 0,
                new TaskCreated(PROMPT, new TaskConfig(3, 70, false, null,
                        new SandboxConfig(stepDelayMs, SandboxOutcome.COMPLETE)), Instant.now()))));
    }

    private void awaitCheckpoints(String task, int atLeast) {
        await().atMost(Duration.ofSeconds(30)).until(() -> pool
                .preparedQuery("SELECT count(*) AS n FROM agent_checkpoints WHERE task_id = $1")
                .execute(Tuple.of(task)).await().indefinitely().iterator().next().getLong("n") >= atLeast);
    }

    private long unsentOutboxRows() {
        return pool.query("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL").execute().await().indefinitely()
                .iterator().next().getLong("n");
    }

    private int resumes(String task) {
        return pool.preparedQuery("SELECT resumes FROM tasks WHERE task_id = $1").execute(Tuple.of(task))
                .await().indefinitely().iterator().next().getInteger("resumes");
    }

    private TaskStatusChanged awaitTerminal(String task) {
        await().atMost(Duration.ofSeconds(60)).until(() -> statuses(task).stream()
                .anyMatch(s -> s.status().isTerminal()));
        List<TaskStatusChanged> all = statuses(task);
        return all.get(all.size() - 1);
    }

    private List<TaskStatusChanged> statuses(String task) {
        return PublishedEvents.statuses(status, task);
    }

    private List<DeliverableCreated> deliverablesOf(String task) {
        return PublishedEvents.deliverables(deliverables, task);
    }

    private List<String> names(String task) {
        return deliverablesOf(task).stream().map(DeliverableCreated::name).distinct().toList();
    }
}
