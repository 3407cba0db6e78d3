package com.miteos.tasks.domain;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.Mode;
import com.miteos.model.task.TaskStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task's snapshots of one batch fold into the row write that writing them one by one would
 * leave: the newest that applies, with the highest counters of those that apply.
 */
class SnapshotFoldTest {

    @Test
    void theNewestSnapshotWinsAndTheCountersKeepTheirHighestValue() {
        var folded = SnapshotFold.fold(null, null, List.of(
                snapshot(2, TaskStatus.RUNNING, "0.030", 2), snapshot(3, TaskStatus.PAUSED, "0.020", 1)));

        assertThat(folded).hasValueSatisfying(write -> {
            assertThat(write.newest().sequence()).isEqualTo(3);
            assertThat(write.cost()).isEqualByComparingTo("0.030");
            assertThat(write.deliverablesCount()).isEqualTo(2);
        });
    }

    @Test
    void snapshotsAtOrBelowTheStoredOrAnEarlierOneOrAfterTheEndDoNotApply() {
        // Stored at 4: 3 is stale; 6 applies, then 5 is older than it; 7 ends the task, 8 comes too late.
        var folded = SnapshotFold.fold(4L, TaskStatus.RUNNING, List.of(
                snapshot(3, TaskStatus.RUNNING, "9", 9), snapshot(6, TaskStatus.RUNNING, "0.06", 1),
                snapshot(5, TaskStatus.RUNNING, "8", 8), snapshot(7, TaskStatus.COMPLETE, "0.07", 1),
                snapshot(8, TaskStatus.RUNNING, "7", 7)));

        assertThat(folded).hasValueSatisfying(write -> {
            assertThat(write.newest().sequence()).isEqualTo(7);
            assertThat(write.cost()).isEqualByComparingTo("0.07");
            assertThat(write.deliverablesCount()).isEqualTo(1);
        });
        assertThat(SnapshotFold.fold(4L, TaskStatus.COMPLETE, List.of(snapshot(5, TaskStatus.RUNNING, "1", 1))))
                .isEmpty();
        assertThat(SnapshotFold.fold(4L, TaskStatus.RUNNING, List.of(snapshot(4, TaskStatus.RUNNING, "1", 1))))
                .isEmpty();
    }

    private static EventEnvelope<TaskStatusChanged> snapshot(long sequence, TaskStatus status, String cost,
            int deliverables) {
        return EventEnvelope.of("task_1", "acct_1", Mode.TEST, sequence, new TaskStatusChanged(status, List.of(),
                new BigDecimal(cost), deliverables, null, null, null, Instant.EPOCH.plusSeconds(sequence)));
    }
}
