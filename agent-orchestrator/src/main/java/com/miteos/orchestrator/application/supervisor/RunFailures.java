package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.task.TaskError;
import com.miteos.orchestrator.domain.run.AgentFailure;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.llm.ModelCallException;
import com.miteos.orchestrator.port.llm.ModelErrors;
import io.quarkus.logging.Log;

/**
 * What a run that failed tells its user: a model call's public error, an agent's own failure, or
 * {@code internal_error} for anything unexpected (logged in full here, never shown).
 */
final class RunFailures {

    private RunFailures() {
    }

    /** Fails the run with the error its failure maps to, unless it ended or stopped here already. */
    static void fail(TaskRun run, Throwable failure) {
        if (run.isFinished() || run.isSuspended()) {
            return;
        }
        TaskError error = classify(run.taskId(), failure);
        TaskLog.info(run, "failed: " + error.code());
        run.fail(error);
    }

    static TaskError classify(String taskId, Throwable failure) {
        if (failure instanceof ModelCallException e) {
            Log.warnf("task %s: model call failed (%s): %s", taskId, e.code(), e.getMessage());
            return new TaskError(e.code(), ModelErrors.publicMessage(e));
        } else if (failure instanceof AgentFailure e) {
            return new TaskError(e.code(), e.getMessage());
        }
        Log.errorf(failure, "task %s: unexpected failure", taskId);
        return new TaskError("internal_error", "The task failed because of an internal error.");
    }
}
