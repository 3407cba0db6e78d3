package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.config.OrchestratorConfig;
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
 * Brings back what an earlier process (this one's or a dead instance's) left unfinished, for the
 * tasks that came without a command partition (tasks with one follow their partition:
 * {@link PartitionOwnership}). At start it claims its own and orphaned tasks before any such
 * command is taken; their runs wait until the commands already waiting are read. Then the
 * watchdog, on every heartbeat, says this instance is alive, applies cancels recorded elsewhere
 * for tasks running here, takes over tasks of instances that stopped heartbeating (the fallback
 * for an instance gone for good), and prunes the outbox.
 */
@ApplicationScoped
public class TaskRecovery {

    private static final int CLAIM_BATCH = 100;

    private final TaskStore store;
    private final InstanceRegistry instances;
    private final EventOutbox outbox;
    private final RunningTasks running;
    private final TaskResumer resumer;
    private final OrchestratorConfig.Recovery recovery;
    private final Duration outboxRetention;
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    /** One claiming pass at a time: a task claimed by a pass is held here only once that pass resumed it. */
    private final AtomicBoolean claiming = new AtomicBoolean();

    TaskRecovery(TaskStore store, InstanceRegistry instances, EventOutbox outbox, RunningTasks running,
            TaskResumer resumer, OrchestratorConfig config) {
        this.store = store;
        this.instances = instances;
        this.outbox = outbox;
        this.running = running;
        this.resumer = resumer;
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
                        claimed.forEach(task -> resumer.resume(task, null));
                        Log.infof("orchestrator %s started; %d unfinished task(s) resumed", instances.id(),
                                claimed.size());
                    } finally {
                        claiming.set(false);
                        loaded.complete(null);
                    }
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
                .invoke(claimed -> claimed.forEach(task -> resumer.resume(task, null)))
                .chain(() -> outbox.prune(outboxRetention))
                .onTermination().invoke(() -> claiming.set(false))
                .subscribe().with(pruned -> { }, failure -> Log.warnf("watchdog pass failed: %s", failure.toString()));
    }
}
