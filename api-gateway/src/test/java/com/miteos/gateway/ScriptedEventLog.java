package com.miteos.gateway;

import com.miteos.model.view.StreamCursor;
import com.miteos.model.view.StreamEvent;
import com.miteos.model.view.StreamEvents;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for task-service's event logs: tasks' streams that a test appends to while clients
 * read them, answered the way {@code POST /internal/task-events} answers.
 */
final class ScriptedEventLog {

    private final Map<String, List<StreamEvent>> logs = new ConcurrentHashMap<>();

    /** Appends the task's next event (ids 1, 2, 3…); answers its id. */
    synchronized long append(String taskId, String type) {
        return append(taskId, type, "");
    }

    /** Appends an event whose data carries {@code padding} too, to make it as large as a test needs. */
    synchronized long append(String taskId, String type, String padding) {
        List<StreamEvent> log = logs.computeIfAbsent(taskId, id -> new ArrayList<>());
        long id = log.size() + 1L;
        log.add(new StreamEvent(id, type, "{\"task_id\": \"" + taskId + "\", \"n\": " + id
                + (padding.isEmpty() ? "" : ", \"padding\": \"" + padding + "\"") + "}"));
        return id;
    }

    synchronized List<StreamEvent> all(String taskId) {
        return List.copyOf(logs.getOrDefault(taskId, List.of()));
    }

    synchronized List<StreamEvents> after(List<StreamCursor> cursors, int limit) {
        List<StreamEvents> answer = new ArrayList<>();
        for (StreamCursor cursor : cursors) {
            List<StreamEvent> log = logs.getOrDefault(cursor.taskId(), List.of());
            List<StreamEvent> next = log.stream().filter(e -> e.id() > cursor.after()).limit(limit).toList();
            Long end = !log.isEmpty() && log.get(log.size() - 1).isTerminal() ? (long) log.size() : null;
            if (!next.isEmpty() || end != null) {
                answer.add(new StreamEvents(cursor.taskId(), next, end));
            }
        }
        return answer;
    }
}
