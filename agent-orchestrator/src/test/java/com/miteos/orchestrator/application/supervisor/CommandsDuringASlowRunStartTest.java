package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.orchestrator.PublishedEvents;
import com.miteos.orchestrator.adapter.llm.ConfiguredModeProviders;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.llm.ModeProviders;
import com.miteos.orchestrator.port.llm.ModelCall;
import com.miteos.orchestrator.port.llm.ModelProvider;
import com.miteos.orchestrator.port.llm.ModelPurpose;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.vertx.core.Vertx;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run whose start is slow (a cold process, a model that answers on the spot) delays that run
 * alone: the commands of the instance's other tasks, processed one at a time, are applied while it
 * starts. Here the first model call of one task holds its thread until the test lets it go; a
 * pause of another task sent meanwhile must be applied while it is still held (with the run
 * started inside its command's processing, the pause waited for it). The held run starts in its
 * task's logging context and goes on to the end once let go; the paused task is then cancelled.
 */
@QuarkusTest
class CommandsDuringASlowRunStartTest {

    private static final String ACCOUNT = "acct_slowstart";

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    RunningTasks running;

    @Inject
    OrchestratorConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    Vertx vertx;

    @Test
    void aPauseAndACancelOfAnotherTaskApplyWhileARunIsStillStarting() throws Exception {
        String other = Ids.newId(IdPrefix.TASK);
        String slow = Ids.newId(IdPrefix.TASK);
        HeldPlanning held = new HeldPlanning(config, json, vertx, slow);
        QuarkusMock.installMockForType(held, ModeProviders.class);
        InMemorySink<String> status = connector.sink("task-status");
        try {
            // Another task of this instance, running: its steps are 10 s apart.
            create(other, new SandboxConfig(SandboxConfig.MAX_STEP_DELAY_MS, SandboxOutcome.COMPLETE));
            await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(other) == TaskStatus.RUNNING);

            create(slow, new SandboxConfig(0, SandboxOutcome.COMPLETE));
            assertThat(held.entered.await(30, TimeUnit.SECONDS)).as("the slow task's planning began").isTrue();

            command(other, new TaskPauseRequested(TaskPauseRequested.CLIENT_REQUEST));
            // Applied to the run, which is all the command does before it is journaled. Only that is
            // checked while the slow run holds its thread: a journal write may happen to use a database
            // connection whose event loop is that thread.
            await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(other) == TaskStatus.PAUSED);
        } finally {
            held.released.countDown();
        }

        assertThat(held.logContext).containsEntry("task_id", slow).containsEntry("account_id", ACCOUNT);
        await().atMost(Duration.ofSeconds(30)).until(() -> PublishedEvents.statuses(status, slow).stream()
                .anyMatch(s -> s.status() == TaskStatus.COMPLETE));
        command(other, new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(PublishedEvents.statuses(status, other))
                .extracting(s -> s.status()).contains(TaskStatus.PAUSED).last().isEqualTo(TaskStatus.CANCELLED));
    }

    private TaskStatus statusOf(String task) {
        return running.find(task).map(TaskRun::status).orElse(null);
    }

    private void create(String task, SandboxConfig sandbox) {
        command(task, new TaskCreated("Compare three web frameworks.", new TaskConfig(1, 70, false, null, sandbox),
                Instant.now()));
    }

    private void command(String task, EventPayload payload) {
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, ACCOUNT, Mode.TEST, 0,
                payload)));
    }

    /**
     * The real providers, except that the slow task's planning call holds its thread (as a cold
     * model's first answer does) until {@link #released}; it notes the logging context it ran in.
     * A mock of a bean extends the bean's class.
     */
    private static final class HeldPlanning extends ConfiguredModeProviders {

        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final Map<String, Object> logContext = new ConcurrentHashMap<>();
        private final String slowTask;

        HeldPlanning(OrchestratorConfig config, ObjectMapper json, Vertx vertx, String slowTask) {
            super(config, json, vertx);
            this.slowTask = slowTask;
        }

        @Override
        public ModelProvider model(Mode mode, TaskConfig config) {
            ModelProvider model = super.model(mode, config);
            return new ModelProvider() {
                @Override
                public String modelName(ModelPurpose purpose) {
                    return model.modelName(purpose);
                }

                @Override
                public Uni<ChatResponse> chat(ModelCall call) {
                    if (!call.taskId().equals(slowTask) || call.purpose() != ModelPurpose.PLAN) {
                        return model.chat(call);
                    }
                    return Uni.createFrom().deferred(() -> {
                        Optional.ofNullable(MDC.get("task_id")).ifPresent(id -> logContext.put("task_id", id));
                        Optional.ofNullable(MDC.get("account_id")).ifPresent(id -> logContext.put("account_id", id));
                        entered.countDown();
                        try {
                            released.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return model.chat(call);
                    });
                }
            };
        }
    }
}
