package com.miteos.orchestrator.domain.run;

import com.miteos.model.task.PendingAction;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Pausing a run and letting it go: user pauses and resumes (each command applied once), actions
 * that wait for the user's approval, the gate agents wait at, and what the user said on resuming.
 */
public final class PauseControl {

    private final TaskRun run;

    PauseControl(TaskRun run) {
        this.run = run;
    }

    public boolean isPaused() {
        synchronized (run) {
            return run.lifecycle.isPaused();
        }
    }

    /**
     * Passes when the task is not paused; otherwise completes when it is resumed. Agents wait
     * here at every step boundary, so a pause takes effect at each agent's next step. Each
     * waiter gets its own copy of the release, so cancelling one waiter releases no other.
     */
    public Uni<Void> gate() {
        synchronized (run) {
            return run.pauses.gate();
        }
    }

    /**
     * A user pause by command {@code commandId} (null: no command): a command applied before
     * (redelivered after a crash) is not applied again. Completes once the pause is durable.
     */
    public CompletionStage<Void> pause(String commandId) {
        synchronized (run) {
            if (run.lifecycle.isTerminal() || !run.commands.firstTime(commandId)) {
                return CompletableFuture.completedFuture(null);
            }
            if (run.lifecycle.pausable()) {
                run.pauses.pauseByUser();
                run.enterPause();
            }
            return run.record();
        }
    }

    /**
     * Resumes a paused task by command {@code commandId}; the message, if any, is kept for the
     * agents. A resume first lifts a user pause; only a resume given while the task visibly
     * awaits approval approves the action, so a user who unpauses never approves something they
     * were not shown. A task that is not paused is left as it is. A command applied before is not
     * applied again, so it never approves twice. Completes once the resume is durable.
     */
    public CompletionStage<Void> resume(String message, String commandId) {
        return resume(message, null, commandId);
    }

    /**
     * A resume that may also replace the budget cap ({@code maxCost}, null: keep it): see
     * {@link #resume(String, String)}. Only a resume with a new cap lets a task paused with
     * {@code budget_exhausted} go on; if the cap is still too low, the next call pauses it again.
     */
    public CompletionStage<Void> resume(String message, java.math.BigDecimal maxCost, String commandId) {
        CompletableFuture<Void> release;
        CompletionStage<Void> durable;
        synchronized (run) {
            if (run.lifecycle.isTerminal() || !run.commands.firstTime(commandId)) {
                return CompletableFuture.completedFuture(null);
            }
            if (maxCost != null) {
                run.budget.replace(maxCost);
            }
            if (!run.lifecycle.isPaused()) {
                return run.record();
            }
            if (run.pauses.lift(message, maxCost != null)) {
                run.showPause();
                return run.record();
            }
            run.lifecycle.resume();
            run.clock.pauseEnded();
            run.emitStatus();
            durable = run.record();
            release = run.pauses.release();
        }
        release.complete(null);
        return durable;
    }

    /** Pauses the task until the user approves {@code action} by resuming it. */
    public void awaitApproval(PendingAction action) {
        synchronized (run) {
            if (!run.lifecycle.isTerminal()) {
                run.pauses.awaitApproval(action);
                run.enterPause();
                run.record();
            }
        }
    }

    /** Whether the task is paused for the user to approve an action of this type (also after a restart). */
    public boolean awaitsApproval(String actionType) {
        synchronized (run) {
            return run.lifecycle.isPaused() && run.pauses.awaits(actionType);
        }
    }

    /** Whether the user approved the deploy (also after a restart: it is not asked again). */
    public boolean deployApproved() {
        synchronized (run) {
            return run.pauses.deployApproved();
        }
    }

    /** The user's messages from {@code from} on, in the order they were given. */
    public List<String> userMessagesFrom(int from) {
        synchronized (run) {
            return run.pauses.userMessagesFrom(from);
        }
    }
}
