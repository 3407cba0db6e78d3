package com.miteos.gateway.messaging;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes task commands, keyed by task id. Each returned {@link Uni} completes only when the
 * broker has acknowledged the record ({@code acks=all}, idempotent producer), so the API
 * answers a client only for a command that cannot be lost.
 */
@ApplicationScoped
public class TaskCommandPublisher {

    private final MutinyEmitter<String> created;
    private final MutinyEmitter<String> cancel;
    private final MutinyEmitter<String> control;

    public TaskCommandPublisher(@Channel("task-created") MutinyEmitter<String> created,
            @Channel("task-cancel") MutinyEmitter<String> cancel, @Channel("task-control") MutinyEmitter<String> control) {
        this.created = created;
        this.cancel = cancel;
        this.control = control;
    }

    /**
     * The record continues the trace {@code traceparent} names (the submitting request's, stored with the
     * submission): its producer span, and so the {@code traceparent} header the connector writes, are
     * that trace's. Null: the current context's trace, as for the other commands.
     */
    public Uni<Void> taskCreated(EventEnvelope<TaskCreated> event, String traceparent) {
        Message<String> message = message(event);
        if (traceparent != null) {
            // The connector's producer span takes TracingMetadata's "current" context as its parent.
            message = message.addMetadata(TracingMetadata.withCurrent(TraceParents.parse(traceparent)));
        }
        return created.sendMessage(message);
    }

    public Uni<Void> cancelRequested(EventEnvelope<TaskCancelRequested> event) {
        return send(cancel, event);
    }

    public Uni<Void> pauseRequested(EventEnvelope<TaskPauseRequested> event) {
        return send(control, event);
    }

    public Uni<Void> resumeRequested(EventEnvelope<TaskResumeRequested> event) {
        return send(control, event);
    }

    private static Uni<Void> send(MutinyEmitter<String> emitter, EventEnvelope<?> event) {
        return emitter.sendMessage(message(event));
    }

    private static Message<String> message(EventEnvelope<?> event) {
        return Message.of(EventJson.toJson(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.taskId()).build());
    }
}
