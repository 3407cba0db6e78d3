package com.miteos.model;

import com.miteos.model.task.AgentStatus;
import com.miteos.model.task.Mode;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lifecycle facts every service relies on: which task and agent states are final, how
 * status names read and which ones do not, and the defaults filled in when a client left
 * something out.
 */
class TaskStatesTest {

    @ParameterizedTest
    @EnumSource(TaskStatus.class)
    void onlyCompleteFailedAndCancelledTasksAreTerminal(TaskStatus status) {
        boolean expected = status == TaskStatus.COMPLETE || status == TaskStatus.FAILED
                || status == TaskStatus.CANCELLED;

        assertThat(status.isTerminal()).as(status.value()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(AgentStatus.class)
    void onlyDoneFailedAndCancelledAgentsAreFinished(AgentStatus status) {
        boolean expected = status == AgentStatus.DONE || status == AgentStatus.FAILED
                || status == AgentStatus.CANCELLED;

        assertThat(status.isFinished()).as(status.value()).isEqualTo(expected);
    }

    @Test
    void statusNamesReadBackIntoTheirStatus() {
        for (TaskStatus status : TaskStatus.values()) {
            assertThat(TaskStatus.parse(status.value())).contains(status);
            assertThat(TaskStatus.of(status.value())).isEqualTo(status);
        }
        for (AgentStatus status : AgentStatus.values()) {
            assertThat(AgentStatus.of(status.value())).isEqualTo(status);
        }
        assertThat(Mode.of("live")).isEqualTo(Mode.LIVE);
        assertThat(Mode.of("test")).isEqualTo(Mode.TEST);
        assertThat(SandboxOutcome.of("fail")).isEqualTo(SandboxOutcome.FAIL);
    }

    @Test
    void theStatusNamesAreTheApisInLifecycleOrder() {
        assertThat(TaskStatus.names()).containsExactly("pending", "planning", "running", "paused", "complete",
                "failed", "cancelled");
    }

    @Test
    void unknownNamesAreRefusedWithAnIllegalArgumentNamingThem() {
        assertThat(TaskStatus.parse("sideways")).isEmpty();
        assertThat(TaskStatus.parse(null)).isEmpty();
        assertThatThrownBy(() -> TaskStatus.of("sideways")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sideways");
        assertThatThrownBy(() -> AgentStatus.of("napping")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("napping");
        assertThatThrownBy(() -> Mode.of("staging")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("staging");
        assertThatThrownBy(() -> SandboxOutcome.of("maybe")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maybe");
    }

    @Test
    void aTaskWithoutSandboxSettingsRunsWithTheDefaults() {
        TaskConfig plain = new TaskConfig(3, 50, false, null, null);

        assertThat(plain.sandboxOrDefaults()).isEqualTo(new SandboxConfig(0, SandboxOutcome.COMPLETE));
        assertThat(SandboxConfig.defaults()).isEqualTo(new SandboxConfig(0, SandboxOutcome.COMPLETE));
    }

    @Test
    void aTaskWithSandboxSettingsRunsWithItsOwn() {
        SandboxConfig failing = new SandboxConfig(250, SandboxOutcome.FAIL);

        assertThat(new TaskConfig(3, 50, false, null, failing).sandboxOrDefaults()).isSameAs(failing);
    }

    @Test
    void statusDetailsSayWhyATaskIsPaused() {
        PendingAction plan = new PendingAction(PendingAction.PLAN, "Approve the plan.", List.of("writer: write"), null);

        StatusDetail awaiting = StatusDetail.awaitingApproval(plan);
        StatusDetail paused = StatusDetail.pausedByUser();

        assertThat(awaiting.reason()).isEqualTo("awaiting_approval");
        assertThat(awaiting.action()).isEqualTo(plan);
        assertThat(paused.reason()).isEqualTo("paused_by_user");
        assertThat(paused.action()).isNull();
    }

    @Test
    void aPendingActionsDetailsAreNeverNullAndCannotChangeAfterwards() {
        List<String> details = new ArrayList<>(List.of("report.md"));
        PendingAction deploy = new PendingAction(PendingAction.DEPLOY, "Approve publishing.", details, "s3://b/x");
        details.add("secret.md");

        assertThat(deploy.details()).containsExactly("report.md");
        assertThat(new PendingAction(PendingAction.PLAN, "Approve.", null, null).details()).isEmpty();
    }
}
