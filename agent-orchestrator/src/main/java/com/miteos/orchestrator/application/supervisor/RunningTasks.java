package com.miteos.orchestrator.application.supervisor;

import com.miteos.orchestrator.domain.run.TaskRun;
import com.miteos.orchestrator.port.journal.DurableJournal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tasks this instance holds: the runs it has (running, or held until the command catch-up)
 * with the command partition each came on, and the ids of tasks being accepted or resumed right
 * now, which no other path may take up at the same time.
 */
@ApplicationScoped
public class RunningTasks {

    private final Map<String, TaskRun> runs = new ConcurrentHashMap<>();
    private final Map<String, Integer> partitions = new ConcurrentHashMap<>();
    private final Set<String> here = ConcurrentHashMap.newKeySet();

    public RunningTasks(DurableJournal journal, MeterRegistry metrics) {
        journal.onTakenOver(this::forget);
        Gauge.builder("miteos.orchestrator.runs.active", runs, Map::size)
                .description("Runs this instance holds: running, or held until its command partition is caught up")
                .register(metrics);
    }

    /** Takes a task id for this instance; false when it is here already (a redelivery, a second claim). */
    boolean hold(String taskId) {
        return here.add(taskId);
    }

    /** Gives a task id up again: the task was not taken on, or it ended here. */
    void release(String taskId) {
        here.remove(taskId);
    }

    /** The ids held here, running or not: claims skip them. */
    Set<String> held() {
        return Set.copyOf(here);
    }

    /** A run held here; {@code partition} is its command partition, {@code null} when it came without one. */
    void add(TaskRun run, Integer partition) {
        runs.put(run.taskId(), run);
        if (partition != null) {
            partitions.put(run.taskId(), partition);
        }
    }

    /** The runs of tasks that came on these partitions. */
    List<TaskRun> runsOf(Set<Integer> of) {
        return runs.values().stream().filter(run -> of.contains(partitions.get(run.taskId()))).toList();
    }

    /** The run of a task, when it is here. */
    Optional<TaskRun> find(String taskId) {
        return Optional.ofNullable(runs.get(taskId));
    }

    Set<String> runningIds() {
        return Set.copyOf(runs.keySet());
    }

    Collection<TaskRun> runs() {
        return List.copyOf(runs.values());
    }

    /**
     * A run ended here (or had nothing left to do): the task is no longer held, unless a newer
     * run of it took its place meanwhile (its partition went away and came back).
     */
    void ended(TaskRun run) {
        if (runs.remove(run.taskId(), run)) {
            partitions.remove(run.taskId());
            here.remove(run.taskId());
        }
    }

    /**
     * Drops a run from this process as if the process had died on the spot: nothing more of it is
     * recorded. Used when another instance took the task over.
     */
    void forget(String taskId) {
        TaskRun run = runs.remove(taskId);
        if (run != null) {
            run.suspend();
        }
        partitions.remove(taskId);
        here.remove(taskId);
    }
}
