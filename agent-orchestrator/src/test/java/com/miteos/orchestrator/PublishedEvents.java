package com.miteos.orchestrator;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskStatusChanged;
import io.smallrye.reactive.messaging.memory.InMemorySink;

import java.util.List;

/** One task's events as the orchestrator published them to an in-memory channel, in the order received. */
public final class PublishedEvents {

    private PublishedEvents() {
    }

    public static List<TaskStatusChanged> statuses(InMemorySink<String> sink, String task) {
        return payloads(sink, task, TaskStatusChanged.class);
    }

    public static List<DeliverableCreated> deliverables(InMemorySink<String> sink, String task) {
        return payloads(sink, task, DeliverableCreated.class);
    }

    private static <T extends EventPayload> List<T> payloads(InMemorySink<String> sink, String task, Class<T> type) {
        return sink.received().stream().map(m -> EventJson.fromJson(m.getPayload()))
                .filter(e -> e.taskId().equals(task))
                .map(e -> type.cast(e.payload()))
                .toList();
    }
}
