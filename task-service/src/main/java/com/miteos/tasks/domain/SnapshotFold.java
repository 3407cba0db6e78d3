package com.miteos.tasks.domain;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.TaskStatus;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Folds one task's status snapshots of a batch into the one row write that leaves the read model
 * exactly as writing them one after the other would. Taken in arrival order, a snapshot applies
 * only with a higher sequence than the last applied one and never after a terminal one (the
 * guard of {@code TaskSnapshotWriter}); the row then holds the last snapshot that applied, with
 * the highest cost and deliverables count of all that applied (the two counters never go down).
 *
 * <p>Pure: the stored row's sequence and status are read by the caller, under the row lock.
 */
public final class SnapshotFold {

    private SnapshotFold() {
    }

    /** The row write: the newest snapshot that applies, with the counters' maxima. */
    public record Folded(EventEnvelope<TaskStatusChanged> newest, BigDecimal cost, int deliverablesCount) {
    }

    /**
     * @param storedSequence the stored row's sequence, or null when the task has no row yet
     * @param storedStatus   the stored row's status, or null when it has none
     * @param snapshots      the task's snapshots in the order they arrived
     * @return the write, or empty when none of them applies
     */
    public static Optional<Folded> fold(Long storedSequence, TaskStatus storedStatus,
            List<EventEnvelope<TaskStatusChanged>> snapshots) {
        long sequence = storedSequence == null ? Long.MIN_VALUE : storedSequence;
        boolean ended = storedStatus != null && storedStatus.isTerminal();
        EventEnvelope<TaskStatusChanged> newest = null;
        BigDecimal cost = null;
        int deliverables = 0;
        for (EventEnvelope<TaskStatusChanged> snapshot : snapshots) {
            if (ended || snapshot.sequence() <= sequence) {
                continue;
            }
            newest = snapshot;
            TaskStatusChanged changed = snapshot.payload();
            cost = cost == null ? changed.cost() : cost.max(changed.cost());
            deliverables = Math.max(deliverables, changed.deliverablesCount());
            sequence = snapshot.sequence();
            ended = changed.status().isTerminal();
        }
        return newest == null ? Optional.empty() : Optional.of(new Folded(newest, cost, deliverables));
    }
}
