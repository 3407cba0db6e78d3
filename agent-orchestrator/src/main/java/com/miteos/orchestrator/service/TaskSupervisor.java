package com.miteos.orchestrator.service;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.task.TaskError;
import com.miteos.orchestrator.agent.AgentFailure;
import com.miteos.orchestrator.agent.TaskEventSink;
import com.miteos.orchestrator.agent.TaskRun;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.model.ModelCallException;
import com.miteos.orchestrator.model.ModelErrors;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.quarkus.runtime.StartupEvent;
import com.miteos.model.event.EventTypes;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.TaskStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import io.quarkus.runtime.ShutdownEvent;
import com.miteos.orchestrator.messaging.KafkaTaskEventSink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts a run for each created task and routes cancellations to it. A cancel that arrives
 * before its task (they travel on different topics) is remembered, and the task then ends
 * cancelled without running.
 *
 * <p>Runs live in memory here; a restarted orchestrator does not resume them yet.
 */
@ApplicationScoped
public class TaskSupervisor {

    static final int REMEMBERED_IDS = 100_000;
    private static final Duration SHUTDOWN_FLUSH = Duration.ofSeconds(10);
    private static final Duration CLOCK_TICK = Duration.ofSeconds(1);
    /** Higher than any sequence a run reaches, so an orphan cancel is never overtaken. */
    static final long ORPHAN_CANCEL_SEQUENCE = Long.MAX_VALUE / 2;

    private final TaskPipeline pipeline;
    private final TaskEventSink sink;
    private final Duration taskTimeout;
    private final Map<String, TaskRun> running = new ConcurrentHashMap<>();
    private final Set<String> seen = boundedSet();
    private final Set<String> cancelledEarly = boundedSet();
    private final Set<String> pausedEarly = boundedSet();
    private Cancellable clock;

    public TaskSupervisor(TaskPipeline pipeline, TaskEventSink sink, OrchestratorConfig config) {
        this.pipeline = pipeline;
        this.sink = sink;
        this.taskTimeout = config.agents().taskTimeout();
    }

    public void start(EventEnvelope<TaskCreated> created) {
        String taskId = created.taskId();
        if (!seen.add(taskId)) {
            Log.debugf("task %s: already started, redelivery ignored", taskId);
            return;
        }
        TaskRun run = new TaskRun(taskId, created.accountId(), created.mode(), created.payload().prompt(),
                created.payload().config(), sink);
        if (cancelledEarly.remove(taskId)) {
            log(taskId, "cancelled before it started");
            run.cancel();
            return;
        }
        running.put(taskId, run);
        log(taskId, "started");
        if (pausedEarly.remove(taskId)) {
            run.pause();
        }
        run.track(pipeline.execute(run)
                .onTermination().invoke(() -> running.remove(taskId))
                .subscribe().with(
                        done -> log(taskId, "finished: " + run.status().value()),
                        failure -> fail(run, failure)));
    }

    /**
     * Cancels a task. One that is not running here either has not arrived yet (its cancel is
     * remembered and wins when it does) or was lost with an earlier orchestrator process; either
     * way it is published as cancelled at once, with a sequence no run of it can reach, so the
     * read model shows the cancel and nothing later moves the task again.
     */
    public void cancel(EventEnvelope<?> command) {
        String taskId = command.taskId();
        TaskRun run = running.get(taskId);
        if (run == null) {
            if (!seen.contains(taskId)) {
                cancelledEarly.add(taskId);
            }
            log(taskId, "cancelled while not running here");
            sink.publish(new EventEnvelope<>(Ids.newId(IdPrefix.EVENT), EventTypes.TASK_STATUS_CHANGED, taskId,
                    command.accountId(), command.mode(), ORPHAN_CANCEL_SEQUENCE,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS),
                    new TaskStatusChanged(TaskStatus.CANCELLED, List.of(), BigDecimal.ZERO, 0, null,
                            Instant.now().truncatedTo(ChronoUnit.SECONDS))));
            return;
        }
        log(taskId, "cancelling");
        run.cancel();
    }

    /**
     * Pauses a running task at its agents' next steps. A pause that overtakes its task (they
     * travel on different topics) is remembered and applied when the task arrives.
     */
    public void pause(String taskId) {
        TaskRun run = running.get(taskId);
        if (run != null) {
            log(taskId, "pausing");
            run.pause();
        } else if (!seen.contains(taskId)) {
            pausedEarly.add(taskId);
        }
    }

    /**
     * Fails tasks that worked longer than their limit. Time spent paused (waiting for the user)
     * does not count, so an approval may take as long as the user needs.
     */
    void enforceTimeLimits() {
        running.values().forEach(run -> {
            if (run.activeTime().compareTo(taskTimeout) > 0) {
                log(run.taskId(), "over its time limit");
                run.fail(new TaskError("time_limit_exceeded", "The task worked longer than its time limit of "
                        + taskTimeout + " (time spent paused does not count)."));
            }
        });
    }

    void startClock(@Observes StartupEvent startup) {
        clock = Multi.createFrom().ticks().every(CLOCK_TICK)
                .subscribe().with(tick -> enforceTimeLimits(), failure -> Log.error("time-limit clock stopped", failure));
    }

    /** Resumes a paused task, approving what it waited for. */
    public void resume(String taskId, String message) {
        TaskRun run = running.get(taskId);
        if (run != null) {
            log(taskId, "resuming");
            run.resume(message);
        }
    }

    public int runningTasks() {
        return running.size();
    }

    /**
     * On shutdown, running tasks end failed rather than stay "running" for ever: without
     * checkpoints they cannot be resumed yet. This runs before the Kafka producers close, and
     * waits for the broker to acknowledge those last events.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        if (clock != null) {
            clock.cancel();
        }
        running.values().forEach(run -> run.fail(new TaskError("orchestrator_shutdown",
                "The orchestrator shut down while the task was running.")));
        if (sink instanceof KafkaTaskEventSink kafka && !kafka.flush(SHUTDOWN_FLUSH)) {
            Log.warn("shutting down with task events the broker has not acknowledged");
        }
    }

    private void fail(TaskRun run, Throwable failure) {
        if (run.isFinished()) {
            return;
        }
        TaskError error;
        if (failure instanceof ModelCallException e) {
            Log.warnf("task %s: model call failed (%s): %s", run.taskId(), e.code(), e.getMessage());
            error = new TaskError(e.code(), ModelErrors.publicMessage(e));
        } else if (failure instanceof AgentFailure e) {
            error = new TaskError(e.code(), e.getMessage());
        } else {
            Log.errorf(failure, "task %s: unexpected failure", run.taskId());
            error = new TaskError("internal_error", "The task failed because of an internal error.");
        }
        log(run.taskId(), "failed: " + error.code());
        run.fail(error);
    }

    private static void log(String taskId, String what) {
        MDC.put("task_id", taskId);
        try {
            Log.infof("task %s: %s", taskId, what);
        } finally {
            MDC.remove("task_id");
        }
    }

    private static Set<String> boundedSet() {
        return Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED_IDS;
            }
        }));
    }
}
