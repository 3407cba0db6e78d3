package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.task.TaskError;
import com.miteos.orchestrator.application.tracing.TaskTrace;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.journal.TaskStore;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Goes on with a task this instance claimed (at start, from a dead instance, or with its command
 * partition): restores its run and launches it, unless it was cancelled meanwhile (it ends
 * cancelled before any further step) or was resumed too often (it fails with {@code owner_lost}).
 */
@ApplicationScoped
class TaskResumer {

    private final RunningTasks running;
    private final RunLauncher launcher;
    private final int maxResumes;

    TaskResumer(RunningTasks running, RunLauncher launcher, OrchestratorConfig config) {
        this.running = running;
        this.launcher = launcher;
        this.maxResumes = config.recovery().maxResumes();
    }

    /** Resumes a claimed task; {@code partition} is its command partition, null when it has none. One task that cannot be resumed does not stop the others. */
    void resume(TaskStore.StoredTask stored, Integer partition) {
        try {
            resumeOne(stored, partition);
        } catch (RuntimeException e) {
            running.release(stored.created().taskId());
            Log.errorf(e, "task %s: could not be resumed", stored.created().taskId());
        }
    }

    private void resumeOne(TaskStore.StoredTask stored, Integer partition) {
        String taskId = stored.created().taskId();
        running.hold(taskId);
        TaskRun run = launcher.restore(stored);
        if (stored.cancelRequested()) {
            TaskLog.info(run, "cancelled while it had no running orchestrator");
            run.cancel();
            running.release(taskId);
        } else if (stored.resumes() > maxResumes) {
            TaskLog.info(run, "resumed too often, failing it");
            run.fail(new TaskError("owner_lost", "The orchestrator running the task stopped " + stored.resumes()
                    + " times while it ran; it is not resumed again."));
            running.release(taskId);
        } else {
            TaskLog.info(run, stored.resumes() == 0 ? "taken over"
                    : "resuming after its orchestrator stopped (resume " + stored.resumes() + ")");
            launcher.launch(run, partition, TaskTrace.resumed(stored.traceparent()));
        }
    }
}
