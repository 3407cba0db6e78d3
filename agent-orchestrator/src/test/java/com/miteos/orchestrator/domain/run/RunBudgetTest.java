package com.miteos.orchestrator.domain.run;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.Mode;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget cap of a run: a call reserves its estimated price before it is made, a call that
 * does not fit pauses the task with {@code budget_exhausted}, and only a resume with a new cap
 * lets it go on. Calls of parallel agents in flight at once count together.
 */
class RunBudgetTest {

    private static final BigDecimal CALL = new BigDecimal("0.1");
    private final List<EventEnvelope<?>> events = new ArrayList<>();
    private final TaskRun run = new TaskRun("task_budget_test", "acct_test", Mode.TEST, "p",
            new TaskConfig(10, 90, false, null, null, new BigDecimal("0.5")), RunJournals.events(events::add));

    /**
     * Eight agents ask for a call at the same moment, before any of them is charged: only five
     * fit under a cap of 0.5, the sixth pauses the task, and once all charged the recorded cost
     * is the cap, not eight calls' worth.
     */
    @Test
    void parallelAgentsCannotOvershootTogether() {
        List<String> agents = running(8);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        agents.forEach(agent -> calls.add(run.budget().reserve(CALL).subscribe().asCompletionStage()));

        List<String> admitted = new ArrayList<>();
        for (int i = 0; i < agents.size(); i++) {
            if (calls.get(i).isDone()) {
                admitted.add(agents.get(i));
            }
        }
        admitted.forEach(agent -> {
            run.agentSteps().charge(agent, CALL);
            run.budget().release(CALL);
        });

        assertThat(admitted).hasSize(5);
        assertThat(run.status()).isEqualTo(TaskStatus.PAUSED);
        TaskStatusChanged last = lastStatus();
        assertThat(last.cost()).isLessThanOrEqualTo(new BigDecimal("0.5").add(CALL));
        assertThat(last.cost()).isEqualByComparingTo("0.5");
        StatusDetail detail = last.statusDetail();
        assertThat(detail.reason()).isEqualTo(StatusDetail.BUDGET_EXHAUSTED);
        assertThat(detail.maxCost()).isEqualByComparingTo("0.5");
        assertThat(detail.cost()).isLessThanOrEqualTo(detail.maxCost());
    }

    @Test
    void onlyAResumeWithANewCapLetsABudgetPauseGoOn() {
        running(1);
        run.budget().reserve(new BigDecimal("0.5")).await().indefinitely();
        run.agentSteps().charge(null, new BigDecimal("0.5"));
        run.budget().release(new BigDecimal("0.5"));
        UniAssertSubscriber<Void> next = run.budget().reserve(CALL).subscribe()
                .withSubscriber(UniAssertSubscriber.create());
        next.assertNotTerminated();
        assertThat(lastStatus().statusDetail()).isEqualTo(StatusDetail.budgetExhausted(new BigDecimal("0.5"),
                new BigDecimal("0.5")));

        run.pauseControl().resume("carry on", null, "evt_plain_resume");
        next.assertNotTerminated();
        assertThat(run.status()).isEqualTo(TaskStatus.PAUSED);

        run.pauseControl().resume(null, new BigDecimal("0.55"), "evt_too_low");
        next.assertNotTerminated();
        assertThat(run.status()).as("0.5 + 0.1 does not fit under 0.55 either").isEqualTo(TaskStatus.PAUSED);
        assertThat(lastStatus().statusDetail().maxCost()).isEqualByComparingTo("0.55");

        run.pauseControl().resume(null, new BigDecimal("2"), "evt_raise");
        next.awaitItem();
        assertThat(run.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(run.budget().maxCost()).isEqualByComparingTo("2");
    }

    @Test
    void cancellingABudgetPausedTaskEndsTheWaitingCall() {
        running(1);
        UniAssertSubscriber<Void> tooDear = run.budget().reserve(BigDecimal.ONE).subscribe()
                .withSubscriber(UniAssertSubscriber.create());
        assertThat(run.status()).isEqualTo(TaskStatus.PAUSED);

        run.cancel();

        tooDear.awaitFailure();
        assertThat(run.status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void aTaskWithoutACapNeverWaits() {
        TaskRun uncapped = new TaskRun("task_uncapped", "acct_test", Mode.TEST, "p",
                new TaskConfig(1, 90, false, null, null), entry -> CompletableFuture.completedFuture(null));

        uncapped.budget().reserve(new BigDecimal("1000000")).await().indefinitely();

        assertThat(uncapped.budget().capped()).isFalse();
    }

    @Test
    void theCapGivenOnAResumeSurvivesARestore() {
        running(1);
        run.pauseControl().resume(null, new BigDecimal("3"), "evt_raise");

        RunState state = run.state();
        TaskRun restored = TaskRun.restore(run.taskId(), run.accountId(), run.mode(), run.prompt(), run.config(),
                entry -> CompletableFuture.completedFuture(null), state, List.of());

        assertThat(restored.budget().maxCost()).isEqualByComparingTo("3");
    }

    private List<String> running(int agents) {
        run.plan().start();
        List<String> types = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            types.add("researcher");
        }
        return run.agentSteps().start(types);
    }

    private TaskStatusChanged lastStatus() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).payload() instanceof TaskStatusChanged status) {
                return status;
            }
        }
        throw new AssertionError("no status event");
    }
}
