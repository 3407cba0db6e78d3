package com.miteos.orchestrator.domain.run;

import com.miteos.model.task.Deployment;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;

/**
 * The task's status machine, and what its status shows beside agents, cost and files: the
 * detail while it is paused, the error it failed with, its deployment. A suspended run (the
 * orchestrator is stopping) takes no more changes. Guarded by the run's lock, like every part.
 */
final class RunLifecycle {

    /** What a move did: nothing (the task had ended), deferred until a resume, moved, or ended the task. */
    enum Move { NONE, DEFERRED, MOVED, ENDED }

    private TaskStatus status = TaskStatus.PENDING;
    private TaskStatus statusBeforePause;
    private TaskError error;
    private StatusDetail statusDetail;
    private Deployment deployment;
    private boolean suspended;

    void restore(RunState state) {
        status = state.status();
        statusBeforePause = state.statusBeforePause();
        error = state.error();
        statusDetail = state.statusDetail();
        deployment = state.deployment();
    }

    TaskStatus status() {
        return status;
    }

    TaskStatus statusBeforePause() {
        return statusBeforePause;
    }

    TaskError error() {
        return error;
    }

    StatusDetail statusDetail() {
        return statusDetail;
    }

    Deployment deployment() {
        return deployment;
    }

    boolean isTerminal() {
        return status.isTerminal();
    }

    boolean isPaused() {
        return status == TaskStatus.PAUSED;
    }

    boolean isSuspended() {
        return suspended;
    }

    /** Whether the run takes no more changes: the task ended, or the run was suspended. */
    boolean isStopped() {
        return status.isTerminal() || suspended;
    }

    void suspend() {
        suspended = true;
    }

    /** Whether planning is still to start (also when the task was paused before it did). */
    boolean awaitsPlanning() {
        return status == TaskStatus.PENDING || status == TaskStatus.PAUSED && statusBeforePause == TaskStatus.PENDING;
    }

    /** Whether a user may pause the task now. */
    boolean pausable() {
        return status == TaskStatus.PENDING || status == TaskStatus.PLANNING || status == TaskStatus.RUNNING
                || status == TaskStatus.PAUSED;
    }

    /** Pauses the task; answers whether it was not paused before. */
    boolean pause() {
        boolean entering = status != TaskStatus.PAUSED;
        if (entering) {
            statusBeforePause = status;
        }
        status = TaskStatus.PAUSED;
        return entering;
    }

    void show(StatusDetail detail) {
        statusDetail = detail;
    }

    /** Nothing holds the task any more: it goes back to where it was paused. */
    void resume() {
        statusDetail = null;
        status = statusBeforePause;
    }

    Move move(TaskStatus next) {
        if (status.isTerminal()) {
            return Move.NONE;
        }
        if (status == TaskStatus.PAUSED && !next.isTerminal()) {
            // Work moved on while paused (e.g. planning ended): it shows once the task is resumed.
            statusBeforePause = next;
            return Move.DEFERRED;
        }
        status = next;
        if (!next.isTerminal()) {
            return Move.MOVED;
        }
        statusDetail = null;
        if (deployment != null && Deployment.AWAITING_APPROVAL.equals(deployment.status())) {
            // Nothing was deployed and nothing will be: no approval is pending any more.
            deployment = null;
        }
        return Move.ENDED;
    }

    void failWith(TaskError reason) {
        error = reason;
    }

    void deployment(Deployment outcome) {
        deployment = outcome;
    }
}
