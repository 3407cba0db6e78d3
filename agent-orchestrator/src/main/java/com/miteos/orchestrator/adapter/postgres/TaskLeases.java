package com.miteos.orchestrator.adapter.postgres;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The epochs this process holds: of each partition it acquired, and of each task it accepted or
 * claimed. Every journal write of a task names the epoch it was claimed under; the database
 * refuses the write when the task was claimed again since (by another instance, or by a later
 * process of this one), which is what fences an instance that lost its tasks.
 */
@ApplicationScoped
public class TaskLeases {

    private final Map<Integer, Long> partitions = new ConcurrentHashMap<>();
    private final Map<String, Long> tasks = new ConcurrentHashMap<>();

    void holdPartition(int partition, long epoch) {
        partitions.put(partition, epoch);
    }

    /** The epoch under which this process holds a partition, if it does. */
    Optional<Long> partitionEpoch(int partition) {
        return Optional.ofNullable(partitions.get(partition));
    }

    /** Forgets partitions; answers the epochs they were held under. */
    Long[] dropPartitions(Set<Integer> dropped) {
        return dropped.stream().map(partitions::remove).filter(epoch -> epoch != null).toArray(Long[]::new);
    }

    /** Forgets one claim of a partition, if it is still the one held; answers whether it was. */
    boolean dropPartition(int partition, long epoch) {
        return partitions.remove(partition, epoch);
    }

    void holdTask(String taskId, long epoch) {
        tasks.put(taskId, epoch);
    }

    /** The epoch a task was claimed under here; null when this process does not hold it. */
    Long taskEpoch(String taskId) {
        return tasks.get(taskId);
    }

    void dropTask(String taskId) {
        tasks.remove(taskId);
    }

    /** Forgets every task held under one of these epochs (their partitions were released). */
    void dropTasksOf(Long[] epochs) {
        Set<Long> released = Set.of(epochs);
        tasks.values().removeIf(released::contains);
    }
}
