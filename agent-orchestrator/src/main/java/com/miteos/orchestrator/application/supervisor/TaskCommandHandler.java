package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import com.miteos.orchestrator.port.journal.TaskStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * Applies task commands (create, cancel, pause, resume). Every task is accepted into the
 * orchestrator's database before its command is acknowledged, and cancels are durable too:
 * recorded before they are acknowledged, on the task or, when it has not arrived yet, for when
 * it does. The answer completes once the command is durable; a run is started, not awaited.
 */
@ApplicationScoped
public class TaskCommandHandler {

    private final TaskStore store;
    private final InstanceRegistry instances;
    private final RunningTasks running;
    private final RunLauncher launcher;
    private final TaskRecovery recovery;

    public TaskCommandHandler(TaskStore store, InstanceRegistry instances, RunningTasks running, RunLauncher launcher,
            TaskRecovery recovery) {
        this.store = store;
        this.instances = instances;
        this.running = running;
        this.launcher = launcher;
        this.recovery = recovery;
    }

    /** Completes once the tasks of an earlier process are loaded, so that commands find them. */
    public Uni<Void> ready() {
        return recovery.loaded();
    }

    /** Accepts a task and starts it, unless it was accepted before (a redelivery). */
    public Uni<Void> start(EventEnvelope<TaskCreated> created) {
        String taskId = created.taskId();
        if (!running.hold(taskId)) {
            return Uni.createFrom().voidItem();
        }
        return store.accept(created, instances.id())
                .onFailure().invoke(() -> running.release(taskId))
                .invoke(intake -> {
                    if (!intake.accepted()) {
                        running.release(taskId);
                        Log.debugf("task %s: seen before, redelivery ignored", taskId);
                        return;
                    }
                    TaskRun run = launcher.create(created);
                    if (intake.cancelled()) {
                        TaskLog.info(taskId, "cancelled before it started");
                        run.cancel();
                        running.release(taskId);
                        return;
                    }
                    if (intake.paused()) {
                        run.pause();
                    }
                    TaskLog.info(taskId, "accepted");
                    launcher.launch(run);
                })
                .replaceWithVoid();
    }

    /**
     * Cancels a task: recorded first, so it holds through any crash, then applied to the run if
     * it is here. A task that has not arrived yet is cancelled when it does.
     */
    public Uni<Void> cancel(String taskId) {
        return store.requestCancel(taskId).invoke(known -> {
            Optional<TaskRun> run = running.find(taskId);
            if (run.isPresent()) {
                TaskLog.info(taskId, "cancelling");
                run.get().cancel();
            } else {
                TaskLog.info(taskId, known ? "cancel recorded; it applies when the task is resumed"
                        : "cancel recorded before the task arrived");
            }
        }).replaceWithVoid();
    }

    /**
     * Pauses a running task at its agents' next steps. A pause that overtakes its task (they
     * travel on different topics) is recorded and applied when the task arrives.
     */
    public Uni<Void> pause(String taskId, String commandId) {
        Optional<TaskRun> run = running.find(taskId);
        if (run.isPresent()) {
            TaskLog.info(taskId, "pausing");
            return Uni.createFrom().completionStage(run.get().pause(commandId)).onFailure(CancellationException.class)
                    .invoke(e -> TaskLog.info(taskId, "pause not recorded: " + e.getMessage()))
                    .onFailure(CancellationException.class).recoverWithNull();
        }
        return store.rememberEarlyPause(taskId).replaceWithVoid();
    }

    /** Resumes a paused task, approving what it waited for; acknowledged once that is durable. */
    public Uni<Void> resume(String taskId, String message, String commandId) {
        Optional<TaskRun> run = running.find(taskId);
        if (run.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        TaskLog.info(taskId, "resuming");
        return Uni.createFrom().completionStage(run.get().resume(message, commandId))
                .onFailure(CancellationException.class)
                .invoke(e -> TaskLog.info(taskId, "resume not recorded: " + e.getMessage()))
                .onFailure(CancellationException.class).recoverWithNull();
    }
}
