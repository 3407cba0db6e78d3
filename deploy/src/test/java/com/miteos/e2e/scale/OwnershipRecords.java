package com.miteos.e2e.scale;

import com.miteos.e2e.crash.PostgresServer;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the orchestrators' journal says about who ran each task when: the rows of
 * {@code miteos_orchestrator.task_ownership}, one per (task, epoch), spanning the first and the
 * last journal write under that epoch. Two epochs of one task must never overlap in time (no two
 * instances made steps for the same task at once); the gap between one epoch's last write and the
 * next epoch's first is how long the task stood still while it changed hands.
 */
public final class OwnershipRecords {

    /** One epoch of one task: who wrote its journal under it, from when to when. */
    public record Epoch(String taskId, long epoch, String owner, Instant firstWrite, Instant lastWrite) {

        @Override
        public String toString() {
            return "epoch " + epoch + " " + owner + " " + firstWrite + ".." + lastWrite;
        }
    }

    /**
     * @param tasks        tasks with at least one epoch
     * @param handedOver   tasks with two epochs or more
     * @param overlapping  tasks two of whose epochs overlap in time, each with the overlapping pair
     * @param gaps         for each task with two epochs or more, the gaps between consecutive epochs
     */
    public record Analysis(int tasks, int handedOver, Map<String, String> overlapping,
            Map<String, List<Duration>> gaps) {
    }

    private OwnershipRecords() {
    }

    /** The epochs of these tasks, from the orchestrator database. */
    public static List<Epoch> read(Collection<String> taskIds) throws SQLException {
        List<Epoch> epochs = new ArrayList<>();
        try (Connection db = PostgresServer.connect("miteos_orchestrator");
             PreparedStatement query = db.prepareStatement("""
                     SELECT task_id, epoch, owner, first_write_at, last_write_at FROM task_ownership
                     WHERE task_id = ANY (?) ORDER BY task_id, first_write_at, epoch""")) {
            Array ids = db.createArrayOf("text", taskIds.toArray());
            query.setArray(1, ids);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    epochs.add(new Epoch(rows.getString(1), rows.getLong(2), rows.getString(3),
                            rows.getTimestamp(4).toInstant(), rows.getTimestamp(5).toInstant()));
                }
            }
        }
        return epochs;
    }

    /**
     * Per task, the epochs in order of their first write: epoch {@code i+1} overlaps epoch {@code i}
     * (or any earlier one still writing) if its first write came before that one's last write.
     * Touching (equal instants) is not an overlap.
     */
    public static Analysis analyse(List<Epoch> epochs) {
        Map<String, List<Epoch>> byTask = new LinkedHashMap<>();
        epochs.forEach(epoch -> byTask.computeIfAbsent(epoch.taskId(), id -> new ArrayList<>()).add(epoch));
        Map<String, String> overlapping = new LinkedHashMap<>();
        Map<String, List<Duration>> gaps = new LinkedHashMap<>();
        for (Map.Entry<String, List<Epoch>> task : byTask.entrySet()) {
            List<Epoch> sorted = task.getValue().stream()
                    .sorted(Comparator.comparing(Epoch::firstWrite).thenComparingLong(Epoch::epoch)).toList();
            if (sorted.size() < 2) {
                continue;
            }
            Epoch latestEnding = sorted.get(0);
            List<Duration> taskGaps = new ArrayList<>();
            for (Epoch next : sorted.subList(1, sorted.size())) {
                if (next.firstWrite().isBefore(latestEnding.lastWrite())) {
                    overlapping.putIfAbsent(task.getKey(), latestEnding + " overlaps " + next);
                } else {
                    taskGaps.add(Duration.between(latestEnding.lastWrite(), next.firstWrite()));
                }
                if (next.lastWrite().isAfter(latestEnding.lastWrite())) {
                    latestEnding = next;
                }
            }
            gaps.put(task.getKey(), taskGaps);
        }
        int handedOver = (int) byTask.values().stream().filter(list -> list.size() > 1).count();
        return new Analysis(byTask.size(), handedOver, overlapping, gaps);
    }

    /** The gaps of only these tasks, all together. */
    public static List<Duration> gapsOf(Analysis analysis, Set<String> taskIds) {
        List<Duration> selected = new ArrayList<>();
        analysis.gaps().forEach((task, list) -> {
            if (taskIds.contains(task)) {
                selected.addAll(list);
            }
        });
        return selected;
    }
}
