package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.task.TaskError;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.commands.CommandBacklog;
import com.miteos.orchestrator.port.journal.EventOutbox;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import com.miteos.orchestrator.port.journal.TaskStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Brings back what an earlier process (this one's or a dead instance's) left unfinished. At
 * start it claims its own and orphaned tasks before any command is taken, and holds their runs
 * until the commands already waiting are read ({@link CommandBacklog}). Then the watchdog, on
 * every heartbeat, says this instance is alive, applies cancels recorded elsewhere for tasks
 * running here, takes over tasks of instances that stopped heartbeating, and prunes the outbox.
 * A resumed task that was cancelled meanwhile ends cancelled before any further step.
 */
@ApplicationScoped
public class TaskRecovery {

    private static final int CLAIM_BATCH = 100;

    private final TaskStore store;
    private final InstanceRegistry instances;
    private final EventOutbox outbox;
    private final CommandBacklog backlog;
    private final RunningTasks running;
    private final RunLauncher launcher;
    private final OrchestratorConfig.Recovery recovery;
    private final Duration outboxRetention;
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    /** One claiming pass at a time: a task claimed by a pass is held here only once that pass resumed it. */
    private final AtomicBoolean claiming = new AtomicBoolean();

    public TaskRecovery(TaskStore store, InstanceRegistry instances, EventOutbox outbox, CommandBacklog backlog,
            RunningTasks running, RunLauncher launcher, OrchestratorConfig config) {
        this.store = store;
        this.instances = instances;
        this.outbox = outbox;
        this.backlog = backlog;
        this.running = running;
        this.launcher = launcher;
        this.recovery = config.recovery();
        this.outboxRetention = config.outbox().retention();
    }

    /** Completes once the tasks of an earlier process are loaded, so that commands find them. */
    Uni<Void> loaded() {
        return Uni.createFrom().completionStage(loaded);
    }

    /** At start: claims the unfinished tasks, then starts their runs once the command backlog is read. */
    void recoverAtStart() {
        claiming.set(true);
        // Until this process has its own earlier tasks back, it takes no command: they may be for them.
        instances.heartbeat()
                .chain(() -> store.claimOrphans(instances.id(), recovery.ownerTimeout(), running.held(),
                        Integer.MAX_VALUE, true))
                .onFailure().invoke(e -> Log.warnf("could not load unfinished tasks yet, retrying: %s", e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(claimed -> {
                    try {
                        claimed.forEach(this::resumeSafely);
                        Log.infof("orchestrator %s started; %d unfinished task(s) resumed", instances.id(),
                                claimed.size());
                    } finally {
                        claiming.set(false);
                        loaded.complete(null);
                    }
                    awaitBacklog().subscribe().with(ignored -> launcher.releaseHeld());
                });
    }

    private Uni<Void> awaitBacklog() {
        Duration limit = recovery.catchUpTimeout();
        if (limit.isZero() || limit.isNegative()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(backlog.caughtUp())
                .ifNoItem().after(limit).recoverWithItem(() -> {
                    Log.warnf("commands not read within %s; resumed tasks go on anyway", limit);
                    return null;
                });
    }

    /**
     * Says this instance is alive, applies cancels recorded elsewhere for tasks running here,
     * takes over tasks of instances that stopped heartbeating, and prunes sent outbox rows.
     */
    void watchdog() {
        if (!claiming.compareAndSet(false, true)) {
            return;
        }
        instances.heartbeat()
                .chain(() -> instances.cancelledHere(running.runningIds()))
                .invoke(cancelled -> cancelled.forEach(id -> running.find(id).ifPresent(run -> {
                    TaskLog.info(id, "cancel recorded by another instance");
                    run.cancel();
                })))
                .chain(() -> store.claimOrphans(instances.id(), recovery.ownerTimeout(), running.held(),
                        CLAIM_BATCH, false))
                .invoke(claimed -> claimed.forEach(this::resumeSafely))
                .chain(() -> outbox.prune(outboxRetention))
                .onTermination().invoke(() -> claiming.set(false))
                .subscribe().with(pruned -> { }, failure -> Log.warnf("watchdog pass failed: %s", failure.toString()));
    }

    /** One task that cannot be resumed must not keep the others from it. */
    private void resumeSafely(TaskStore.StoredTask stored) {
        try {
            resume(stored);
        } catch (RuntimeException e) {
            running.release(stored.created().taskId());
            Log.errorf(e, "task %s: could not be resumed", stored.created().taskId());
        }
    }

    private void resume(TaskStore.StoredTask stored) {
        String taskId = stored.created().taskId();
        running.hold(taskId);
        TaskRun run = launcher.restore(stored);
        if (stored.cancelRequested()) {
            TaskLog.info(taskId, "cancelled while its orchestrator was away");
            run.cancel();
            running.release(taskId);
        } else if (stored.resumes() > recovery.maxResumes()) {
            TaskLog.info(taskId, "resumed too often, failing it");
            run.fail(new TaskError("owner_lost", "The orchestrator running the task stopped " + stored.resumes()
                    + " times while it ran; it is not resumed again."));
            running.release(taskId);
        } else {
            TaskLog.info(taskId, "resuming after a restart (resume " + stored.resumes() + ")");
            launcher.launch(run);
        }
    }
}
