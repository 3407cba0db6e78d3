package com.miteos.deliverables.messaging;

import com.miteos.deliverables.inbox.Inbox;
import com.miteos.deliverables.metrics.ConsumerMetrics;
import com.miteos.deliverables.service.DeliverableProjection;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

import java.util.Optional;

/**
 * Reads {@code task.deliverable}. A malformed record fails here and goes to the dead-letter
 * topic; otherwise the {@link Inbox} retries the projection until it commits (or the database
 * refuses the data), and only then is the offset committed.
 */
public class DeliverableEventConsumer {

    private final DeliverableProjection projection;
    private final Inbox inbox;
    private final ConsumerMetrics metrics;
    private final ProjectionSpans spans;

    public DeliverableEventConsumer(DeliverableProjection projection, Inbox inbox, ConsumerMetrics metrics,
            ProjectionSpans spans) {
        this.spans = spans;
        this.projection = projection;
        this.inbox = inbox;
        this.metrics = metrics;
    }

    @Incoming("task-deliverable")
    public Uni<Void> consume(String record, Optional<TracingMetadata> tracing) {
        EventEnvelope<EventPayload> envelope;
        try {
            envelope = EventJson.fromJson(record);
        } catch (RuntimeException malformed) {
            metrics.deadLettered("malformed");
            throw malformed;
        }
        MDC.put("task_id", envelope.taskId());
        MDC.put("account_id", envelope.accountId());
        // In the record's trace (its traceparent header): the projection is part of the task's journey.
        return spans.project(envelope, tracing, () -> inbox.untilCommitted(envelope, projection.apply(envelope)))
                .onFailure().invoke(refused -> metrics.deadLettered("refused"));
    }
}
