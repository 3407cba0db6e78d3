package com.miteos.orchestrator.domain.run;

import com.miteos.model.task.StatusDetail;
import io.smallrye.mutiny.Uni;

import java.math.BigDecimal;
import java.util.concurrent.CancellationException;

/**
 * The run's view of its budget cap: a model or tool call reserves its estimated price before it
 * is made and releases the reservation once its real cost is recorded. A call that does not fit
 * pauses the task with {@code budget_exhausted} and waits until a resume gives a new cap; then it
 * tries again (and pauses again if the new cap is still too low).
 *
 * <p>The ledger lives in memory under the run's lock: every agent of a task runs in the one
 * process that owns the task (its command partition), as Mutiny chains on that process's
 * threads, and every change to a run already goes through that lock. A crash loses only the
 * reservations of calls in flight, and those calls are made (and reserved) again on restore.
 */
public final class RunBudget {

    private final TaskRun run;

    RunBudget(TaskRun run) {
        this.run = run;
    }

    /** Whether the task has a budget cap at all. */
    public boolean capped() {
        synchronized (run) {
            return run.budget.maxCost() != null;
        }
    }

    /** The cap in credits, or null. */
    public BigDecimal maxCost() {
        synchronized (run) {
            return run.budget.maxCost();
        }
    }

    /**
     * Completes once {@code estimate} is reserved under the cap, pausing the task for as long as
     * it does not fit; fails with a {@link CancellationException} when the task ends meanwhile.
     */
    public Uni<Void> reserve(BigDecimal estimate) {
        Uni<Void> gate;
        synchronized (run) {
            if (run.lifecycle.isTerminal()) {
                return Uni.createFrom().failure(new CancellationException("task " + run.taskId() + " has ended"));
            }
            if (run.budget.tryReserve(run.ledger.cost(), estimate)) {
                return Uni.createFrom().voidItem();
            }
            if (!run.pauses.heldByBudget()) {
                run.pauses.holdForBudget(StatusDetail.budgetExhausted(run.ledger.cost(), run.budget.maxCost()));
                run.enterPause();
                run.record();
            }
            gate = run.pauses.gate();
        }
        return gate.flatMap(resumed -> reserve(estimate));
    }

    /** The call's real cost is recorded (or it failed): its reservation is no longer needed. */
    public void release(BigDecimal estimate) {
        synchronized (run) {
            run.budget.release(estimate);
        }
    }
}
