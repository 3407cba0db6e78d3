package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.Mode;
import com.miteos.model.task.PendingAction;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pausing, approving and resuming a run: who waits, what a resume approves, what the clock counts. */
class TaskRunTest {

    private final List<EventEnvelope<?>> events = new ArrayList<>();
    private final TaskRun run = new TaskRun("task_run_test", "acct_test", Mode.TEST, "p",
            new TaskConfig(2, 50, false, null, null), RunJournals.events(events::add));
    private final PauseControl control = run.pauseControl();

    @Test
    void cancellingOneWaiterAtThePauseReleasesNoOther() {
        run.plan().start();
        run.agentSteps().start(List.of("researcher", "writer"));
        run.pause();
        UniAssertSubscriber<Void> first = control.gate().subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Void> second = control.gate().subscribe().withSubscriber(UniAssertSubscriber.create());

        first.cancel();

        second.assertNotTerminated();
        run.resume(null, null);
        second.awaitItem();
    }

    @Test
    void aResumeLiftsAUserPauseBeforeItApprovesAnything() {
        run.plan().start();
        run.agentSteps().start(List.of("writer"));
        run.pause();
        control.awaitApproval(new PendingAction(PendingAction.DEPLOY, "Approve publishing.", List.of(), "s3://b/x"));
        assertThat(lastStatus().statusDetail().reason()).isEqualTo(StatusDetail.PAUSED_BY_USER);

        run.resume(null, null);
        assertThat(run.status()).isEqualTo(TaskStatus.PAUSED);
        assertThat(lastStatus().statusDetail().reason()).isEqualTo(StatusDetail.AWAITING_APPROVAL);
        assertThat(lastStatus().statusDetail().action().type()).isEqualTo(PendingAction.DEPLOY);
        control.gate().subscribe().withSubscriber(UniAssertSubscriber.create()).assertNotTerminated();

        run.resume("Go ahead.", null);
        assertThat(run.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(control.userMessagesFrom(0)).containsExactly("Go ahead.");
        control.gate().subscribe().withSubscriber(UniAssertSubscriber.create()).assertCompleted();
    }

    @Test
    void aRedeliveredResumeDoesNotApproveWhatTheFirstOneOnlyUnpaused() {
        run.plan().start();
        run.agentSteps().start(List.of("writer"));
        run.pause("evt_pause");
        control.awaitApproval(new PendingAction(PendingAction.DEPLOY, "Approve publishing.", List.of(), "s3://b/x"));

        run.resume(null, "evt_resume");
        run.resume(null, "evt_resume");
        run.pause("evt_pause");

        assertThat(run.status()).isEqualTo(TaskStatus.PAUSED);
        assertThat(lastStatus().statusDetail().reason()).isEqualTo(StatusDetail.AWAITING_APPROVAL);
        run.resume(null, "evt_approve");
        assertThat(run.status()).isEqualTo(TaskStatus.RUNNING);
    }

    @Test
    void timeSpentPausedDoesNotCountAgainstTheTimeLimit() {
        run.plan().start();
        run.pause();
        Instant now = Instant.now();
        Duration hour = Duration.ofHours(1);

        assertThat(run.activeTime(now.plus(hour))).isEqualTo(run.activeTime(now));
        run.resume(null, null);
        Instant resumed = Instant.now();
        assertThat(run.activeTime(resumed.plus(hour)).minus(run.activeTime(resumed))).isEqualTo(hour);
    }

    @Test
    void aCancelledTaskWaitsForNoApprovalAnyMore() {
        run.plan().start();
        run.agentSteps().start(List.of("writer"));
        run.deployment(new com.miteos.model.task.Deployment("s3://b/x", "awaiting_approval", null, null));
        control.awaitApproval(new PendingAction(PendingAction.DEPLOY, "Approve.", List.of(), "s3://b/x"));

        run.cancel();

        assertThat(lastStatus().status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(lastStatus().statusDetail()).isNull();
        assertThat(lastStatus().deployment()).isNull();
    }

    private TaskStatusChanged lastStatus() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).payload() instanceof TaskStatusChanged changed) {
                return changed;
            }
        }
        throw new AssertionError("no status event");
    }
}
