package com.miteos.tasks.messaging;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.tasks.service.TaskProjection;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

/**
 * Reads {@code task.created} and {@code task.status}. A record that is not a well-formed event
 * fails here and goes to the dead-letter topic; the offset is committed only after the
 * projection's transaction committed.
 */
public class TaskEventConsumer {

    private final TaskProjection projection;

    public TaskEventConsumer(TaskProjection projection) {
        this.projection = projection;
    }

    @Incoming("task-events")
    public Uni<Void> consume(String record) {
        EventEnvelope<EventPayload> envelope = EventJson.fromJson(record);
        MDC.put("task_id", envelope.taskId());
        return projection.apply(envelope);
    }
}
