package com.miteos.deliverables.messaging;

import com.miteos.deliverables.service.DeliverableProjection;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

/**
 * Reads {@code task.deliverable}. A malformed record fails here and goes to the dead-letter
 * topic; offsets are committed only for records whose projection committed.
 */
public class DeliverableEventConsumer {

    private final DeliverableProjection projection;

    public DeliverableEventConsumer(DeliverableProjection projection) {
        this.projection = projection;
    }

    @Incoming("task-deliverable")
    public Uni<Void> consume(String record) {
        EventEnvelope<EventPayload> envelope = EventJson.fromJson(record);
        MDC.put("task_id", envelope.taskId());
        return projection.apply(envelope);
    }
}
