package com.miteos.orchestrator.port.journal;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.orchestrator.domain.run.Checkpoint;
import com.miteos.orchestrator.domain.run.RunState;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The orchestrator's durable record of its tasks: accepting them, durable commands, and finding
 * the ones to resume. Changes made while a task runs go through the journal instead.
 */
public interface TaskStore {

    /**
     * What accepting a task found: whether it is new here (not when it was seen before, or when
     * its partition is no longer held here: {@code notOwned}), and the commands that came before it.
     */
    record Intake(boolean accepted, boolean notOwned, boolean cancelled, boolean paused) {

        public static final Intake SEEN_BEFORE = new Intake(false, false, false, false);
        public static final Intake NOT_OWNED = new Intake(false, true, false, false);
    }

    /**
     * An unfinished task as stored, with its agents' checkpoints, ready to go on; {@code traceparent}:
     * the trace it came in (null: none), which its resumed run continues.
     */
    record StoredTask(EventEnvelope<TaskCreated> created, RunState state, List<Checkpoint> checkpoints,
            boolean cancelRequested, int resumes, String traceparent) {
    }

    /**
     * Accepts a task from its {@code task.created} event, owned by {@code owner}; a task seen
     * before is not accepted again. A task that came on a command {@code partition} is accepted
     * only while this process holds the partition ({@link PartitionLeases}); {@code null}: it came
     * without one. Cancels and pauses that arrived first are taken with it, atomically.
     */
    Uni<Intake> accept(EventEnvelope<TaskCreated> created, String owner, Integer partition, String traceparent);

    /**
     * Records a cancel before it is acknowledged, so it outlives any crash: on the task when it is
     * known here, otherwise for when it arrives. Answers whether the task is known.
     */
    Uni<Boolean> requestCancel(String taskId);

    /** Remembers a pause for a task not known here yet. Answers false when the task is known after all. */
    Uni<Boolean> rememberEarlyPause(String taskId);

    /**
     * Claims unfinished tasks that no live instance runs: owned by nobody, or by an instance that
     * stopped heartbeating longer than {@code ownerTimeout} ago, and, at start only
     * ({@code includeOwn}), by {@code owner} itself (an earlier process of it). Tasks in
     * {@code here} are skipped. Each claim counts as a resume. Only tasks that came without a
     * partition are claimed this way; the others are claimed with their partition.
     */
    Uni<List<StoredTask>> claimOrphans(String owner, Duration ownerTimeout, Set<String> here, int limit,
            boolean includeOwn);
}
