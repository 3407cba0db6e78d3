package com.miteos.orchestrator.domain.run;

import com.miteos.model.task.TaskStatus;

import java.math.BigDecimal;
import java.util.List;

/**
 * The plan of a run: planning starts, the planner's plan is kept (also across a restart), and
 * whether the user approved it.
 */
public final class RunPlan {

    private final TaskRun run;
    private List<WorkItem> items;

    RunPlan(TaskRun run) {
        this.run = run;
    }

    void restore(List<WorkItem> plan) {
        items = plan;
    }

    /** Planning starts; a restored run that is past it stays where it is. */
    public void start() {
        synchronized (run) {
            if (run.lifecycle.awaitsPlanning()) {
                run.move(TaskStatus.PLANNING);
                run.record();
            }
        }
    }

    /** The plan, once the planner made it (also after a restart); null before. */
    public List<WorkItem> items() {
        synchronized (run) {
            return items;
        }
    }

    public boolean approved() {
        synchronized (run) {
            return run.pauses.planApproved();
        }
    }

    /** The planner made the plan; its model calls are charged together with it. */
    public void made(List<WorkItem> plan, BigDecimal credits, long tokensUsed) {
        synchronized (run) {
            if (run.lifecycle.isTerminal()) {
                return;
            }
            items = List.copyOf(plan);
            run.ledger.addTokens(tokensUsed);
            run.addCost(null, credits);
            run.emitStatus();
            run.record();
        }
    }
}
