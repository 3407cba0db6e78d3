package com.miteos.orchestrator.domain.run;

import com.miteos.model.task.PendingAction;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskStatus;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What holds a task paused and what lets it go: a user pause, a call waiting for a higher budget
 * cap, an action awaiting the user's approval, the approvals given, the user's messages, and the
 * release the agents wait on.
 */
final class PauseGate {

    private boolean pausedByUser;
    private PendingAction pendingApproval;
    private StatusDetail budgetHold;
    private boolean planApproved;
    private boolean deployApproved;
    private final List<String> userMessages = new ArrayList<>();
    private CompletableFuture<Void> resumed = CompletableFuture.completedFuture(null);

    void restore(RunState state) {
        pausedByUser = state.pausedByUser();
        pendingApproval = state.pendingApproval();
        budgetHold = state.budgetHold();
        planApproved = state.planApproved();
        deployApproved = state.deployApproved();
        userMessages.addAll(state.userMessages());
        if (state.status() == TaskStatus.PAUSED) {
            resumed = new CompletableFuture<>();
        }
    }

    boolean pausedByUser() {
        return pausedByUser;
    }

    PendingAction pendingApproval() {
        return pendingApproval;
    }

    StatusDetail budgetHold() {
        return budgetHold;
    }

    boolean heldByBudget() {
        return budgetHold != null;
    }

    /** A call did not fit under the cap: {@code detail} says how far the task got. */
    void holdForBudget(StatusDetail detail) {
        budgetHold = detail;
    }

    boolean planApproved() {
        return planApproved;
    }

    boolean deployApproved() {
        return deployApproved;
    }

    List<String> userMessages() {
        return List.copyOf(userMessages);
    }

    List<String> userMessagesFrom(int from) {
        return from >= userMessages.size() ? List.of() : List.copyOf(userMessages.subList(from, userMessages.size()));
    }

    /** Each waiter gets its own copy of the release, so cancelling one waiter releases no other. */
    Uni<Void> gate() {
        return resumed.isDone() ? Uni.createFrom().voidItem() : Uni.createFrom().completionStage(resumed.copy());
    }

    /** The task was not paused and now is: agents wait from here on. */
    void close() {
        resumed = new CompletableFuture<>();
    }

    /** The release of whoever waits at the gate; completed outside the run's lock. */
    CompletableFuture<Void> release() {
        return resumed;
    }

    void pauseByUser() {
        pausedByUser = true;
    }

    void awaitApproval(PendingAction action) {
        pendingApproval = action;
    }

    boolean awaits(String actionType) {
        return pendingApproval != null && actionType.equals(pendingApproval.type());
    }

    /** A user pause shows first, then the budget: it is what a resume lifts first. */
    StatusDetail detail() {
        if (pausedByUser) {
            return StatusDetail.pausedByUser();
        }
        return budgetHold != null ? budgetHold : StatusDetail.awaitingApproval(pendingApproval);
    }

    /**
     * A resume: keeps the message, and lifts the user pause if there is one, or else the budget
     * hold when the resume gave a new cap ({@code newCap}; only such a resume lifts it), or else
     * approves the action awaiting approval. Answers whether something still holds the task.
     */
    boolean lift(String message, boolean newCap) {
        if (message != null) {
            userMessages.add(message);
        }
        if (pausedByUser || budgetHold != null) {
            pausedByUser = false;
            if (newCap) {
                budgetHold = null;
            }
        } else {
            if (awaits(PendingAction.PLAN)) {
                planApproved = true;
            }
            if (awaits(PendingAction.DEPLOY)) {
                deployApproved = true;
            }
            pendingApproval = null;
        }
        return pendingApproval != null || budgetHold != null;
    }
}
