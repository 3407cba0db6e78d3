package com.miteos.tasks.messaging;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.tasks.service.TaskProjection;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.DatabaseException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.MDC;

import java.time.Duration;

/**
 * Reads {@code task.created} and {@code task.status}. A record that is not a well-formed event
 * fails here and goes to the dead-letter topic; a projection that fails for any other reason is
 * retried until it commits, and only then is the offset committed.
 */
public class TaskEventConsumer {

    private static final Duration RETRY_FIRST = Duration.ofMillis(200);
    private static final Duration RETRY_MAX = Duration.ofSeconds(10);

    private final TaskProjection projection;

    public TaskEventConsumer(TaskProjection projection) {
        this.projection = projection;
    }

    @Incoming("task-events")
    public Uni<Void> consume(String record) {
        EventEnvelope<EventPayload> envelope = EventJson.fromJson(record);
        MDC.put("task_id", envelope.taskId());
        // A malformed record has already failed above and goes to the dead-letter topic, and so
        // does one the database refuses as data (SQLSTATE class 22): retrying cannot help it.
        // Anything else (the database is down, say) is retried in place: skipping it would lose
        // the event.
        return projection.apply(envelope)
                .onFailure(e -> !isRefusedData(e)).invoke(e -> Log.warnf("task %s: projecting %s failed, retrying: %s",
                        envelope.taskId(), envelope.eventId(), e.toString()))
                .onFailure(e -> !isRefusedData(e)).retry().withBackOff(RETRY_FIRST, RETRY_MAX).indefinitely();
    }

    private static boolean isRefusedData(Throwable e) {
        return e instanceof DatabaseException db && db.getSqlState() != null && db.getSqlState().startsWith("22");
    }
}
