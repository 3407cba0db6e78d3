package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.orchestrator.application.pipeline.TaskPipeline;
import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.journal.TaskJournal;
import com.miteos.orchestrator.port.journal.TaskStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Creates runs (new, or restored from the store) and starts them through the pipeline. Until the
 * commands present at start-up are read, runs are held rather than started: a cancel waiting
 * there must take effect before any further step.
 */
@ApplicationScoped
public class RunLauncher {

    private final TaskPipeline pipeline;
    private final TaskJournal journal;
    private final RunningTasks running;
    private final List<TaskRun> held = new ArrayList<>();
    private boolean released;

    public RunLauncher(TaskPipeline pipeline, TaskJournal journal, RunningTasks running) {
        this.pipeline = pipeline;
        this.journal = journal;
        this.running = running;
    }

    /** A new run of an accepted task. */
    TaskRun create(EventEnvelope<TaskCreated> created) {
        return new TaskRun(created.taskId(), created.accountId(), created.mode(), created.payload().prompt(),
                created.payload().config(), journal);
    }

    /** The run of a stored task, restored to where it was. */
    TaskRun restore(TaskStore.StoredTask stored) {
        EventEnvelope<TaskCreated> created = stored.created();
        return TaskRun.restore(created.taskId(), created.accountId(), created.mode(), created.payload().prompt(),
                created.payload().config(), journal, stored.state(), stored.checkpoints());
    }

    /** Starts a run now, or once the commands present at start-up are read. */
    void launch(TaskRun run) {
        running.add(run);
        synchronized (held) {
            if (!released) {
                held.add(run);
                return;
            }
        }
        execute(run);
    }

    /** The commands present at start-up are read: held runs start, and later ones at once. */
    void releaseHeld() {
        List<TaskRun> toRun;
        synchronized (held) {
            released = true;
            toRun = List.copyOf(held);
            held.clear();
        }
        toRun.forEach(this::execute);
    }

    private void execute(TaskRun run) {
        String taskId = run.taskId();
        if (run.isFinished()) {
            // Cancelled while it was held for the catch-up: nothing to run, not even the planner.
            running.ended(taskId);
            return;
        }
        run.track(pipeline.execute(run)
                .onTermination().invoke(() -> running.ended(taskId))
                .subscribe().with(
                        done -> TaskLog.info(taskId, "finished: " + run.status().value()),
                        failure -> RunFailures.fail(run, failure)));
    }
}
