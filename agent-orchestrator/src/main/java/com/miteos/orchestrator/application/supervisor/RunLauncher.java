package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.orchestrator.application.metrics.OrchestratorMetrics;
import com.miteos.orchestrator.application.pipeline.TaskPipeline;
import com.miteos.orchestrator.application.tracing.TaskTrace;
import com.miteos.orchestrator.application.tracing.TraceParents;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.commands.CommandBacklog;
import com.miteos.orchestrator.port.execution.RunContexts;
import com.miteos.orchestrator.port.journal.TaskJournal;
import com.miteos.orchestrator.port.journal.TaskStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Creates runs (new, or restored from the store) and starts them through the pipeline. A run is
 * held, not started, until the commands that were waiting in its command partition when this
 * instance got the partition are read (at most the catch-up timeout): a cancel waiting there
 * must take effect before any further step. A task that came without a partition waits for the
 * commands present at start-up instead. At most {@code max-running-tasks} runs execute at once
 * ({@link RunSlots}).
 *
 * <p>Launching only registers the run (a command that follows finds it) and returns: the run
 * starts later, on an execution context of its own ({@link RunContexts}), never inside the
 * processing of the command that launched it. A slow start (a cold process, a model that answers
 * on the spot) then delays that run alone, not the commands of the instance's other tasks.
 */
@ApplicationScoped
public class RunLauncher {

    private final TaskPipeline pipeline;
    private final TaskJournal journal;
    private final RunningTasks running;
    private final CommandBacklog backlog;
    private final Duration catchUpTimeout;
    private final RunSlots slots;
    private final OrchestratorMetrics meters;
    private final RunContexts contexts;

    RunLauncher(TaskPipeline pipeline, TaskJournal journal, RunningTasks running, CommandBacklog backlog,
            OrchestratorConfig config, MeterRegistry metrics, OrchestratorMetrics meters, RunContexts contexts) {
        this.pipeline = pipeline;
        this.contexts = contexts;
        this.journal = journal;
        this.running = running;
        this.backlog = backlog;
        this.catchUpTimeout = config.recovery().catchUpTimeout();
        this.slots = new RunSlots(config.agents().maxRunningTasks());
        this.meters = meters;
        Gauge.builder("miteos.orchestrator.runs.waiting", slots, RunSlots::waiting)
                .description("Runs of this instance waiting for a slot (MITEOS_MAX_RUNNING_TASKS)")
                .register(metrics);
        meters.watchAgents(running::runs);
    }

    /** A new run of an accepted task. */
    TaskRun create(EventEnvelope<TaskCreated> created) {
        return new TaskRun(created.taskId(), created.accountId(), created.mode(), created.payload().prompt(),
                created.payload().config(),
                meters.meter(journal, created.mode(), created.payload().createdAt(), null, false));
    }

    /** The run of a stored task, restored to where it was. */
    TaskRun restore(TaskStore.StoredTask stored) {
        EventEnvelope<TaskCreated> created = stored.created();
        return TaskRun.restore(created.taskId(), created.accountId(), created.mode(), created.payload().prompt(),
                created.payload().config(), meters.meter(journal, created.mode(), created.payload().createdAt(),
                        stored.state(), !stored.checkpoints().isEmpty()),
                stored.state(), stored.checkpoints());
    }

    /**
     * Starts a run once the commands waiting in its partition ({@code null}: at start-up) are read;
     * it runs in the task's trace.
     */
    void launch(TaskRun run, Integer partition, TaskTrace trace) {
        running.add(run, partition);
        CompletionStage<Void> read = partition == null ? backlog.caughtUp() : backlog.caughtUp(partition);
        if (read.toCompletableFuture().isDone() || catchUpTimeout.isZero() || catchUpTimeout.isNegative()) {
            execute(run, trace);
            return;
        }
        caughtUpOrTimeout(read, catchUpTimeout, () -> Log.warnf(
                "task %s: commands of its partition not read within %s; it goes on anyway", run.taskId(), catchUpTimeout))
                .subscribe().with(ignored -> execute(run, trace));
    }

    /**
     * An item once {@code read} completes, or after {@code timeout} (having run {@code onTimeout}).
     * It waits on a copy: on the timeout Mutiny cancels the stage it waits on, and a partition's
     * stage is shared by every run waiting there; cancelling it would fail all the others.
     */
    static Uni<Void> caughtUpOrTimeout(CompletionStage<Void> read, Duration timeout, Runnable onTimeout) {
        return Uni.createFrom().completionStage(read.toCompletableFuture().copy())
                .ifNoItem().after(timeout).recoverWithItem(() -> {
                    onTimeout.run();
                    return null;
                });
    }

    /** Takes a slot, then starts the run on a context of its own, in the task's trace and logging context. */
    private void execute(TaskRun run, TaskTrace trace) {
        slots.acquire(() -> contexts.start(run.taskId(), run.accountId(), TraceParents.parse(trace.traceparent()),
                () -> start(run, trace)));
    }

    private void start(TaskRun run, TaskTrace trace) {
        if (run.isFinished() || run.isSuspended()) {
            // Cancelled while it was held for the catch-up or waited to start, or its partition went elsewhere.
            running.ended(run);
            slots.release();
            return;
        }
        run.track(pipeline.execute(run, trace)
                .onTermination().invoke(() -> {
                    running.ended(run);
                    slots.release();
                })
                .subscribe().with(
                        done -> TaskLog.info(run, "finished: " + run.status().value()),
                        failure -> RunFailures.fail(run, failure)));
    }
}
