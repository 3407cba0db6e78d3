package com.miteos.tasks.domain;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Mode;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What one snapshot adds to the stream, given the one before it. */
class StreamDerivationTest {

    private static final AgentState AGENT = new AgentState("agnt_1", "writer", AgentStatus.THINKING, null, 20, null);

    @Test
    void aPauseByTheUserIsAStatusChangeButNoApprovalRequest() {
        StreamState running = state(TaskStatus.RUNNING, null, "0.01");

        List<DerivedEvent> events = next(running, TaskStatus.PAUSED, StatusDetail.pausedByUser(), "0.01", null);

        assertThat(events).extracting(DerivedEvent::type).containsExactly("task.status");
        assertThat(events.get(0).data()).containsEntry("previous_status", "running").containsEntry("status", "paused");
    }

    @Test
    void anyOtherPauseReasonRequestsApprovalOnce() {
        StreamDerivation.Step paused = StreamDerivation.next(state(TaskStatus.RUNNING, null, "0.01"),
                snapshot(TaskStatus.PAUSED, new StatusDetail("budget_exhausted", null), "0.01", null));
        assertThat(paused.events()).extracting(DerivedEvent::type).containsExactly("task.status", "approval.requested");
        assertThat(paused.events().get(1).data()).containsEntry("reason", "budget_exhausted");

        // The same pause again (an agent's progress moved meanwhile): no second request.
        List<DerivedEvent> again = next(paused.state(), TaskStatus.PAUSED, new StatusDetail("budget_exhausted", null),
                "0.01", null);
        assertThat(again).isEmpty();
    }

    @Test
    void aFailedSnapshotEndsWithTaskFailedAndNothingFollowsIt() {
        TaskError error = new TaskError("sandbox_failure", "the sandbox was told to fail");
        StreamDerivation.Step failed = StreamDerivation.next(state(TaskStatus.RUNNING, null, "0.01"),
                snapshot(TaskStatus.FAILED, null, "0.02", error));

        assertThat(failed.events()).extracting(DerivedEvent::type)
                .containsExactly("task.status", "cost.updated", "task.failed");
        assertThat(failed.events().get(2).data()).containsEntry("error", error);
        assertThat(StreamDerivation.next(failed.state(), snapshot(TaskStatus.CANCELLED, null, "0.03", null)).events())
                .isEmpty();
    }

    @Test
    void aLowerCostIsNeverToldAndNeverLowersTheState() {
        StreamDerivation.Step step = StreamDerivation.next(state(TaskStatus.RUNNING, null, "0.05"),
                snapshot(TaskStatus.RUNNING, null, "0.04", null));

        assertThat(step.events()).isEmpty();
        assertThat(step.state().cost()).isEqualByComparingTo("0.05");
    }

    private static List<DerivedEvent> next(StreamState before, TaskStatus status, StatusDetail detail, String cost,
            TaskError error) {
        return StreamDerivation.next(before, snapshot(status, detail, cost, error)).events();
    }

    private static StreamState state(TaskStatus status, StatusDetail detail, String cost) {
        return new StreamState(status, detail, List.of(AGENT), new BigDecimal(cost));
    }

    private static EventEnvelope<TaskStatusChanged> snapshot(TaskStatus status, StatusDetail detail, String cost,
            TaskError error) {
        return EventEnvelope.of("task_1", "acct_1", Mode.TEST, 5, new TaskStatusChanged(status, List.of(AGENT),
                new BigDecimal(cost), 0, error, detail, null, Instant.parse("2026-01-01T00:00:00Z")));
    }
}
