package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.orchestrator.application.tracing.TaskTrace;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import com.miteos.orchestrator.port.journal.TaskStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;

/**
 * Applies task commands (create, cancel, pause, resume). Every task is accepted into the
 * orchestrator's database before its command is acknowledged, and cancels are durable too:
 * recorded before they are acknowledged, on the task or, when it has not arrived yet, for when
 * it does. The answer completes once the command is durable; a run is launched, not awaited, and
 * it starts after the answer, away from the commands ({@link RunLauncher}).
 */
@ApplicationScoped
public class TaskCommandHandler {

    private final TaskStore store;
    private final InstanceRegistry instances;
    private final RunningTasks running;
    private final RunLauncher launcher;
    private final TaskRecovery recovery;
    private final PartitionOwnership ownership;

    TaskCommandHandler(TaskStore store, InstanceRegistry instances, RunningTasks running, RunLauncher launcher,
            TaskRecovery recovery, PartitionOwnership ownership) {
        this.store = store;
        this.instances = instances;
        this.running = running;
        this.launcher = launcher;
        this.recovery = recovery;
        this.ownership = ownership;
    }

    /**
     * Completes once the tasks a command of this partition may be for are here: those of the
     * partition ({@code null}: a command without one, for the tasks of an earlier process).
     */
    public Uni<Void> ready(Integer partition) {
        return partition == null ? recovery.loaded() : ownership.ready(partition);
    }

    /**
     * The assignment a command of {@code partition} comes under ({@code null} partition: none needed).
     * The command is acknowledged only if {@link #stillAssigned} holds once it is applied.
     */
    public Object assignment(Integer partition) {
        return partition == null ? null : ownership.assignment(partition);
    }

    /**
     * Whether a command that came under {@code assignment} may be acknowledged: its partition is
     * still held here under that assignment (a command without a partition always may). Kafka takes
     * a partition away while one of its commands is being applied: the command was applied to a run
     * already handed over, or recorded for a task no longer here, and only an unacknowledged command
     * is certain to be read again by the next owner (SmallRye drops such an acknowledgement today,
     * but a commit that slips through would skip it there; a redelivery is harmless: commands are
     * idempotent).
     */
    public boolean stillAssigned(Integer partition, Object assignment) {
        return partition == null || ownership.stillHolds(partition, assignment);
    }

    /**
     * Accepts a task that came on {@code partition} ({@code null}: without one) and starts it,
     * unless it was accepted before (a redelivery) or its partition is no longer held here (its
     * next owner reads the command again). {@code traceparent}: the trace the task's record came in
     * (null: none), stored with the task so its events, and a run resumed later, stay in it.
     */
    public Uni<Void> start(EventEnvelope<TaskCreated> created, Integer partition, String traceparent) {
        String taskId = created.taskId();
        if (ownership.stopping()) {
            // The drain has taken its snapshot of the runs: a run started now would not be suspended.
            return Uni.createFrom().failure(new TaskMoving(taskId, "start"));
        }
        if (!running.hold(taskId)) {
            return Uni.createFrom().voidItem();
        }
        return store.accept(created, instances.id(), partition, traceparent)
                .onFailure().invoke(() -> running.release(taskId))
                .invoke(intake -> {
                    if (!intake.accepted()) {
                        running.release(taskId);
                        if (intake.notOwned() && partition != null && ownership.holds(partition)) {
                            // Kafka gives the partition to this consumer, the lease names another epoch: the
                            // revocation is on its way (this instance stalled), or a lease went astray. Either
                            // way the command is not dropped: not acknowledged, it is tried again meanwhile.
                            Log.warnf("task %s: partition %d is held here but its lease is not: not accepted yet",
                                    taskId, partition);
                            throw new TaskMoving(taskId, "start");
                        }
                        Log.debugf(intake.notOwned() ? "task %s: its partition is no longer held here"
                                : "task %s: seen before, redelivery ignored", taskId);
                        if (intake.notOwned() && ownership.stopping()) {
                            // Kafka still counts this consumer as the partition's: no acknowledgement.
                            throw new TaskMoving(taskId, "start");
                        }
                        return;
                    }
                    TaskRun run = launcher.create(created);
                    if (intake.cancelled()) {
                        TaskLog.info(run, "cancelled before it started");
                        run.cancel();
                        running.release(taskId);
                        return;
                    }
                    if (intake.paused()) {
                        run.pause();
                    }
                    TaskLog.info(run, "accepted");
                    launcher.launch(run, partition, TaskTrace.accepted(traceparent));
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
                TaskLog.info(run.get(), "cancelling");
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
            TaskLog.info(run.get(), "pausing");
            return run.get().isSuspended() ? Uni.createFrom().failure(new TaskMoving(taskId, "pause"))
                    : recorded(run.get(), run.get().pause(commandId), "pause");
        }
        if (ownership.stopping()) {
            // Its run was suspended for the shutdown and is gone: the next owner must read this command.
            return Uni.createFrom().failure(new TaskMoving(taskId, "pause"));
        }
        return store.rememberEarlyPause(taskId).replaceWithVoid();
    }

    /** Resumes a paused task, approving what it waited for; acknowledged once that is durable. */
    public Uni<Void> resume(String taskId, String message, String commandId) {
        return resume(taskId, message, null, commandId);
    }

    /** A resume that may also replace the task's budget cap ({@code maxCost}, null: keep it). */
    public Uni<Void> resume(String taskId, String message, java.math.BigDecimal maxCost, String commandId) {
        Optional<TaskRun> run = running.find(taskId);
        if (run.isEmpty()) {
            // Not running here: it ended (nothing to resume), or this instance is stopping and its
            // run is gone, and then the next owner must read this command.
            return ownership.stopping() ? Uni.createFrom().failure(new TaskMoving(taskId, "resume"))
                    : Uni.createFrom().voidItem();
        }
        TaskLog.info(run.get(), "resuming");
        return run.get().isSuspended() ? Uni.createFrom().failure(new TaskMoving(taskId, "resume"))
                : recorded(run.get(), run.get().pauseControl().resume(message, maxCost, commandId), "resume");
    }

    /**
     * Completes once a pause or resume is journaled. One the run refused because it ended is
     * done with; one refused because the run stopped here (its task is moving to another
     * instance, or this one is shutting down) fails, so that the command is not acknowledged
     * and reaches the task's next owner.
     */
    private static Uni<Void> recorded(TaskRun run, CompletionStage<Void> change, String command) {
        return Uni.createFrom().completionStage(change)
                .onFailure(CancellationException.class).transform(e -> run.isSuspended()
                        ? new TaskMoving(run.taskId(), command) : e)
                .onFailure(CancellationException.class)
                .invoke(e -> TaskLog.info(run, command + " not recorded: " + e.getMessage()))
                .onFailure(CancellationException.class).recoverWithNull();
    }

    /** A command for a run that stopped here; it is retried, and applied where the task goes on. */
    static final class TaskMoving extends RuntimeException {
        TaskMoving(String taskId, String command) {
            super("task " + taskId + " stopped here before its " + command + " was recorded; it goes on elsewhere",
                    null, false, false);
        }
    }
}
