package com.miteos.tasks.service;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.tasks.repository.TaskRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Applies task events to the read model, exactly once each: the event id is recorded in the
 * same transaction as the change it causes, so a redelivered event finds its id and is skipped.
 */
@ApplicationScoped
public class TaskProjection {

    static final String CONSUMER = "task-service";

    private final Pool pool;
    private final TaskRepository tasks;

    public TaskProjection(Pool pool, TaskRepository tasks) {
        this.pool = pool;
        this.tasks = tasks;
    }

    public Uni<Void> apply(EventEnvelope<EventPayload> envelope) {
        return pool.withTransaction(tx -> tasks.markProcessed(tx, CONSUMER, envelope.eventId())
                .flatMap(isNew -> {
                    if (!isNew) {
                        Log.debugf("task %s: event %s already applied", envelope.taskId(), envelope.eventId());
                        return Uni.createFrom().voidItem();
                    }
                    EventPayload payload = envelope.payload();
                    if (payload instanceof TaskCreated created) {
                        return tasks.applyCreated(tx, envelope, created);
                    }
                    if (payload instanceof TaskStatusChanged changed) {
                        return tasks.applyStatus(tx, envelope, changed);
                    }
                    // Other event types share these topics only by mistake; nothing to project.
                    return Uni.createFrom().voidItem();
                }));
    }
}
