package com.miteos.deliverables.messaging;

import com.miteos.deliverables.inbox.Inbox;
import com.miteos.deliverables.metrics.ConsumerMetrics;
import com.miteos.deliverables.service.DeliverableProjection;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

/**
 * Reads {@code task.deliverable}. A malformed record fails here and goes to the dead-letter
 * topic; otherwise the {@link Inbox} retries the projection until it commits (or the database
 * refuses the data), and only then is the offset committed.
 */
public class DeliverableEventConsumer {

    private final DeliverableProjection projection;
    private final Inbox inbox;
    private final ConsumerMetrics metrics;

    public DeliverableEventConsumer(DeliverableProjection projection, Inbox inbox, ConsumerMetrics metrics) {
        this.projection = projection;
        this.inbox = inbox;
        this.metrics = metrics;
    }

    @Incoming("task-deliverable")
    public Uni<Void> consume(String record) {
        EventEnvelope<EventPayload> envelope;
        try {
            envelope = EventJson.fromJson(record);
        } catch (RuntimeException malformed) {
            metrics.deadLettered("malformed");
            throw malformed;
        }
        MDC.put("task_id", envelope.taskId());
        return inbox.untilCommitted(envelope, projection.apply(envelope))
                .onFailure().invoke(refused -> metrics.deadLettered("refused"));
    }
}
