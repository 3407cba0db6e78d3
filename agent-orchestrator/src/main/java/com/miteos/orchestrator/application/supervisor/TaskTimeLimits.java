package com.miteos.orchestrator.application.supervisor;

import com.miteos.model.task.TaskError;
import com.miteos.orchestrator.config.OrchestratorConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;

/**
 * The task time limit ({@code miteos.agents.task-timeout}): a run that worked longer fails with
 * {@code time_limit_exceeded}. Time spent paused (waiting for the user) does not count, so an
 * approval may take as long as the user needs.
 */
@ApplicationScoped
public class TaskTimeLimits {

    private final RunningTasks running;
    private final Duration taskTimeout;

    public TaskTimeLimits(RunningTasks running, OrchestratorConfig config) {
        this.running = running;
        this.taskTimeout = config.agents().taskTimeout();
    }

    /** Fails the runs here that worked longer than their limit by {@code now} (the clock's time, once a second). */
    void enforce(Instant now) {
        running.runs().forEach(run -> {
            if (run.activeTime(now).compareTo(taskTimeout) > 0) {
                TaskLog.info(run, "over its time limit");
                run.fail(new TaskError("time_limit_exceeded", "The task worked longer than its time limit of "
                        + taskTimeout + " (time spent paused does not count)."));
            }
        });
    }
}
