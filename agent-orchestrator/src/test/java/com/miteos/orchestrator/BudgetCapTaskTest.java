package com.miteos.orchestrator;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import com.miteos.model.task.SandboxConfig;
import com.miteos.model.task.SandboxOutcome;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Budget caps on sandbox tasks with three agents in parallel: the task pauses with
 * {@code budget_exhausted} before the call that would pass {@code max_cost}, stays paused (and
 * spends nothing) until a resume gives a higher cap, then completes; cancel ends it instead.
 */
@QuarkusTest
class BudgetCapTaskTest {

    /** Enough for the plan and one agent step's reservation, not for three agents at once. */
    static final BigDecimal CAP = new BigDecimal("0.01");

    @Inject
    @Any
    InMemoryConnector connector;

    private InMemorySink<String> status;

    @BeforeEach
    void setUp() {
        status = connector.sink("task-status");
    }

    @Test
    void aTaskPausesBeforePassingItsCapAndAHigherCapLetsItComplete() {
        String task = submit(CAP);

        TaskStatusChanged paused = awaitBudgetPause(task);
        assertThat(paused.statusDetail().maxCost()).isEqualByComparingTo(CAP);
        assertThat(paused.statusDetail().cost()).isEqualByComparingTo(paused.cost());
        // Held: agents in flight finish their call, then nothing more is spent.
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).until(() -> true);
        TaskStatusChanged held = last(task);
        assertThat(held.status()).isEqualTo(TaskStatus.PAUSED);

        command(task, new TaskResumeRequested("Go on.", null));
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> true);
        assertThat(last(task).status()).as("a resume without a new cap leaves it paused").isEqualTo(TaskStatus.PAUSED);
        assertThat(last(task).cost()).isEqualByComparingTo(held.cost());

        command(task, new TaskResumeRequested(null, new BigDecimal("5")));
        TaskStatusChanged done = awaitTerminal(task);

        assertThat(done.status()).as("error: %s", done.error()).isEqualTo(TaskStatus.COMPLETE);
        assertThat(done.cost()).isGreaterThan(CAP);
        BigDecimal oneCall = dearestCall(task);
        assertThat(statuses(task)).filteredOn(s -> s.status() == TaskStatus.PAUSED)
                .allSatisfy(s -> assertThat(s.cost()).isLessThanOrEqualTo(CAP.add(oneCall)));
        assertThat(held.cost()).isLessThanOrEqualTo(CAP.add(oneCall));
    }

    @Test
    void cancelEndsABudgetPausedTask() {
        String task = submit(CAP);
        TaskStatusChanged paused = awaitBudgetPause(task);

        command(task, new TaskCancelRequested(TaskCancelRequested.CLIENT_REQUEST));

        TaskStatusChanged done = awaitTerminal(task);
        assertThat(done.status()).isEqualTo(TaskStatus.CANCELLED);
        assertThat(done.cost()).isLessThanOrEqualTo(CAP.add(dearestCall(task)));
        assertThat(done.cost()).isGreaterThanOrEqualTo(paused.cost());
    }

    private String submit(BigDecimal maxCost) {
        String task = Ids.newId(IdPrefix.TASK);
        command(task, new TaskCreated(ApprovalAndDeployTest.PROMPT, new TaskConfig(3, 90, false, null,
                new SandboxConfig(0, SandboxOutcome.COMPLETE), maxCost), Instant.now()));
        return task;
    }

    private TaskStatusChanged awaitBudgetPause(String task) {
        await().atMost(Duration.ofSeconds(30)).until(() -> statuses(task).stream().anyMatch(BudgetCapTaskTest::budget)
                || last(task) != null && last(task).status().isTerminal());
        return statuses(task).stream().filter(BudgetCapTaskTest::budget).findFirst()
                .orElseThrow(() -> new AssertionError("ended without a budget pause: " + last(task)));
    }

    private static boolean budget(TaskStatusChanged s) {
        return s.status() == TaskStatus.PAUSED && s.statusDetail() != null
                && StatusDetail.BUDGET_EXHAUSTED.equals(s.statusDetail().reason());
    }

    /** The largest rise of the task's cost from one event to the next: at least one call's price. */
    private BigDecimal dearestCall(String task) {
        BigDecimal dearest = BigDecimal.ZERO;
        BigDecimal before = BigDecimal.ZERO;
        for (TaskStatusChanged s : statuses(task)) {
            dearest = dearest.max(s.cost().subtract(before));
            before = s.cost();
        }
        return dearest;
    }

    private void command(String task, EventPayload payload) {
        connector.source("task-commands").send(EventJson.toJson(EventEnvelope.of(task, "acct_test", Mode.TEST, 0,
                payload)));
    }

    private TaskStatusChanged awaitTerminal(String task) {
        await().atMost(Duration.ofSeconds(60)).until(() -> last(task) != null && last(task).status().isTerminal());
        return last(task);
    }

    private TaskStatusChanged last(String task) {
        List<TaskStatusChanged> all = statuses(task);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    private List<TaskStatusChanged> statuses(String task) {
        return PublishedEvents.statuses(status, task);
    }
}
