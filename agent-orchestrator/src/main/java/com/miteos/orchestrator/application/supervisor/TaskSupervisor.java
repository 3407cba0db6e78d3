package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.task.TaskError;
import com.miteos.orchestrator.adapter.kafka.CommandCatchUp;
import com.miteos.orchestrator.adapter.postgres.InstanceRegistry;
import com.miteos.orchestrator.adapter.postgres.JournalWriter;
import com.miteos.orchestrator.adapter.postgres.OutboxRelay;
import com.miteos.orchestrator.adapter.postgres.TaskStore;
import com.miteos.orchestrator.application.pipeline.TaskPipeline;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.AgentFailure;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelErrors;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the tasks this instance owns. Every task is accepted into the orchestrator's database
 * before its command is acknowledged, and every change of a run is journaled there with its
 * events, so a task survives any crash: on start, and whenever another instance stops
 * heartbeating, unfinished tasks are claimed and resumed from their last checkpoints.
 *
 * <p>Cancels are durable too: recorded before they are acknowledged, on the task or, when it has
 * not arrived yet, for when it does; a resumed task that was cancelled meanwhile ends cancelled
 * before any further step. At start, resumed tasks wait until the commands already in Kafka are
 * read ({@link CommandCatchUp}).
 */
@ApplicationScoped
public class TaskSupervisor {

    private static final Duration CLOCK_TICK = Duration.ofSeconds(1);
    private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(10);
    private static final int CLAIM_BATCH = 100;

    private final TaskPipeline pipeline;
    private final TaskStore store;
    private final JournalWriter journal;
    private final OutboxRelay relay;
    private final InstanceRegistry instances;
    private final CommandCatchUp catchUp;
    private final OrchestratorConfig.Recovery recovery;
    private final OrchestratorConfig.Outbox outbox;
    private final Duration taskTimeout;
    private final Map<String, TaskRun> running = new ConcurrentHashMap<>();
    /** Tasks this instance holds: running, held until catch-up, or being accepted right now. */
    private final Set<String> here = ConcurrentHashMap.newKeySet();
    private final List<TaskRun> held = new ArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private boolean released;
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final List<Cancellable> timers = new ArrayList<>();

    public TaskSupervisor(TaskPipeline pipeline, TaskStore store, JournalWriter journal, OutboxRelay relay,
            InstanceRegistry instances, @Identifier(CommandCatchUp.NAME) CommandCatchUp catchUp,
            OrchestratorConfig config, MeterRegistry metrics) {
        this.pipeline = pipeline;
        this.store = store;
        this.journal = journal;
        this.relay = relay;
        this.instances = instances;
        this.catchUp = catchUp;
        this.recovery = config.recovery();
        this.outbox = config.outbox();
        this.taskTimeout = config.agents().taskTimeout();
        journal.onTakenOver(this::forget);
        metrics.gauge("miteos.orchestrator.runs.active", running, Map::size);
        metrics.gauge("miteos.orchestrator.journal.pending", journal, JournalWriter::pending);
    }

    /** Completes once the tasks of an earlier process are loaded, so that commands find them. */
    public Uni<Void> ready() {
        return Uni.createFrom().completionStage(ready);
    }

    /** Accepts a task and starts it, unless it was accepted before (a redelivery). */
    public Uni<Void> start(EventEnvelope<TaskCreated> created) {
        String taskId = created.taskId();
        if (!here.add(taskId)) {
            return Uni.createFrom().voidItem();
        }
        return store.accept(created, instances.id())
                .onFailure().invoke(() -> here.remove(taskId))
                .invoke(intake -> {
                    if (!intake.accepted()) {
                        here.remove(taskId);
                        Log.debugf("task %s: seen before, redelivery ignored", taskId);
                        return;
                    }
                    TaskRun run = new TaskRun(taskId, created.accountId(), created.mode(), created.payload().prompt(),
                            created.payload().config(), journal);
                    if (intake.cancelled()) {
                        log(taskId, "cancelled before it started");
                        run.cancel();
                        here.remove(taskId);
                        return;
                    }
                    if (intake.paused()) {
                        run.pause();
                    }
                    log(taskId, "accepted");
                    launch(run);
                })
                .replaceWithVoid();
    }

    /**
     * Cancels a task: recorded first, so it holds through any crash, then applied to the run if
     * it is here. A task that has not arrived yet is cancelled when it does.
     */
    public Uni<Void> cancel(String taskId) {
        return store.requestCancel(taskId).invoke(known -> {
            TaskRun run = running.get(taskId);
            if (run != null) {
                log(taskId, "cancelling");
                run.cancel();
            } else {
                log(taskId, known ? "cancel recorded; it applies when the task is resumed"
                        : "cancel recorded before the task arrived");
            }
        }).replaceWithVoid();
    }

    /**
     * Pauses a running task at its agents' next steps. A pause that overtakes its task (they
     * travel on different topics) is recorded and applied when the task arrives.
     */
    public Uni<Void> pause(String taskId, String commandId) {
        TaskRun run = running.get(taskId);
        if (run != null) {
            log(taskId, "pausing");
            return Uni.createFrom().completionStage(run.pause(commandId)).onFailure(CancellationException.class)
                    .invoke(e -> log(taskId, "pause not recorded: " + e.getMessage()))
                    .onFailure(CancellationException.class).recoverWithNull();
        }
        return store.rememberEarlyPause(taskId).replaceWithVoid();
    }

    /** Resumes a paused task, approving what it waited for; acknowledged once that is durable. */
    public Uni<Void> resume(String taskId, String message, String commandId) {
        TaskRun run = running.get(taskId);
        if (run == null) {
            return Uni.createFrom().voidItem();
        }
        log(taskId, "resuming");
        return Uni.createFrom().completionStage(run.resume(message, commandId)).onFailure(CancellationException.class)
                .invoke(e -> log(taskId, "resume not recorded: " + e.getMessage()))
                .onFailure(CancellationException.class).recoverWithNull();
    }

    public boolean isRunning(String taskId) {
        return running.containsKey(taskId);
    }

    /** Starts a run now, or once the commands present at start-up are read. */
    private void launch(TaskRun run) {
        running.put(run.taskId(), run);
        synchronized (held) {
            if (!released) {
                held.add(run);
                return;
            }
        }
        execute(run);
    }

    private void execute(TaskRun run) {
        String taskId = run.taskId();
        if (run.isFinished()) {
            // Cancelled while it was held for the catch-up: nothing to run, not even the planner.
            running.remove(taskId);
            here.remove(taskId);
            return;
        }
        run.track(pipeline.execute(run)
                .onTermination().invoke(() -> {
                    running.remove(taskId);
                    here.remove(taskId);
                })
                .subscribe().with(
                        done -> log(taskId, "finished: " + run.status().value()),
                        failure -> fail(run, failure)));
    }

    /** One task that cannot be resumed must not keep the others from it. */
    private void resumeSafely(TaskStore.StoredTask stored) {
        try {
            resumeStored(stored);
        } catch (RuntimeException e) {
            here.remove(stored.created().taskId());
            Log.errorf(e, "task %s: could not be resumed", stored.created().taskId());
        }
    }

    /** Resumes what an earlier process (this one's or a dead instance's) left unfinished. */
    private void resumeStored(TaskStore.StoredTask stored) {
        EventEnvelope<TaskCreated> created = stored.created();
        String taskId = created.taskId();
        here.add(taskId);
        TaskRun run = TaskRun.restore(taskId, created.accountId(), created.mode(), created.payload().prompt(),
                created.payload().config(), journal, stored.state(), stored.checkpoints());
        if (stored.cancelRequested()) {
            log(taskId, "cancelled while its orchestrator was away");
            run.cancel();
            here.remove(taskId);
        } else if (stored.resumes() > recovery.maxResumes()) {
            log(taskId, "resumed too often, failing it");
            run.fail(new TaskError("owner_lost", "The orchestrator running the task stopped " + stored.resumes()
                    + " times while it ran; it is not resumed again."));
            here.remove(taskId);
        } else {
            log(taskId, "resuming after a restart (resume " + stored.resumes() + ")");
            launch(run);
        }
    }

    void startUp(@Observes StartupEvent startup) {
        claiming.set(true);
        // Until this process has its own earlier tasks back, it takes no command: they may be for them.
        instances.heartbeat()
                .chain(() -> store.claimOrphans(instances.id(), recovery.ownerTimeout(), Set.copyOf(here),
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
                        ready.complete(null);
                    }
                    awaitCatchUp().subscribe().with(ignored -> releaseHeld());
                });
        timers.add(Multi.createFrom().ticks().every(CLOCK_TICK).subscribe().with(
                tick -> enforceTimeLimits(Instant.now()), failure -> Log.error("time-limit clock stopped", failure)));
        timers.add(Multi.createFrom().ticks().every(recovery.heartbeatInterval()).subscribe().with(
                tick -> watchdog(), failure -> Log.error("watchdog stopped", failure)));
        timers.add(Multi.createFrom().ticks().every(outbox.pollInterval()).subscribe().with(
                tick -> relay.wake(), failure -> Log.error("outbox timer stopped", failure)));
    }

    private Uni<Void> awaitCatchUp() {
        Duration limit = recovery.catchUpTimeout();
        if (limit.isZero() || limit.isNegative()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(catchUp.caughtUp())
                .ifNoItem().after(limit).recoverWithItem(() -> {
                    Log.warnf("commands not read within %s; resumed tasks go on anyway", limit);
                    return null;
                });
    }

    private void releaseHeld() {
        List<TaskRun> toRun;
        synchronized (held) {
            released = true;
            toRun = List.copyOf(held);
            held.clear();
        }
        toRun.forEach(this::execute);
    }

    /**
     * Says this instance is alive, applies cancels recorded elsewhere for tasks running here,
     * takes over tasks of instances that stopped heartbeating, and prunes sent outbox rows.
     */
    void watchdog() {
        // One pass at a time: a task claimed by a pass is "here" only once that pass resumed it.
        if (!claiming.compareAndSet(false, true)) {
            return;
        }
        instances.heartbeat()
                .chain(() -> instances.cancelledHere(Set.copyOf(running.keySet())))
                .invoke(cancelled -> cancelled.forEach(id -> {
                    TaskRun run = running.get(id);
                    if (run != null) {
                        log(id, "cancel recorded by another instance");
                        run.cancel();
                    }
                }))
                .chain(() -> store.claimOrphans(instances.id(), recovery.ownerTimeout(), Set.copyOf(here),
                        CLAIM_BATCH, false))
                .invoke(claimed -> claimed.forEach(this::resumeSafely))
                .chain(() -> relay.prune(outbox.retention()))
                .onTermination().invoke(() -> claiming.set(false))
                .subscribe().with(pruned -> { }, failure -> Log.warnf("watchdog pass failed: %s", failure.toString()));
    }

    /**
     * Drops a run from this process as if the process had died on the spot: nothing more of it is
     * recorded. Used when another instance took the task over, and by tests.
     */
    void forget(String taskId) {
        TaskRun run = running.remove(taskId);
        if (run != null) {
            run.suspend();
        }
        here.remove(taskId);
    }

    /**
     * Fails tasks that worked longer than their limit by {@code now} (the clock's time, once a
     * second; tests pass a later one rather than wait). Time spent paused (waiting for the user)
     * does not count, so an approval may take as long as the user needs.
     */
    void enforceTimeLimits(Instant now) {
        running.values().forEach(run -> {
            if (run.activeTime(now).compareTo(taskTimeout) > 0) {
                log(run.taskId(), "over its time limit");
                run.fail(new TaskError("time_limit_exceeded", "The task worked longer than its time limit of "
                        + taskTimeout + " (time spent paused does not count)."));
            }
        });
    }

    /**
     * On shutdown, runs stop where they are: everything they did is journaled already, and the
     * next process (or another instance) resumes them. The journal and the outbox are flushed
     * first, and this instance leaves the registry so that its tasks may be taken over at once.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        timers.forEach(Cancellable::cancel);
        int suspended = running.size();
        running.values().forEach(TaskRun::suspend);
        long deadline = System.nanoTime() + SHUTDOWN_DRAIN.toNanos();
        while (!journal.idle() && System.nanoTime() < deadline) {
            sleep();
        }
        relay.wake();
        try {
            while (!relay.drained().await().atMost(remaining(deadline)) && System.nanoTime() < deadline) {
                sleep();
                relay.wake();
            }
        } catch (RuntimeException e) {
            Log.warnf("shutting down with events not yet published (they are in the outbox): %s", e.toString());
        }
        try {
            instances.leave().await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            Log.warnf("could not leave the instance registry; tasks are taken over after the owner timeout: %s",
                    e.toString());
        }
        Log.infof("orchestrator %s stopped; %d task(s) suspended, to be resumed", instances.id(), suspended);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(TaskRun run, Throwable failure) {
        if (run.isFinished() || run.isSuspended()) {
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
}
