package com.miteos.tasks.service;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.tasks.inbox.Inbox;
import com.miteos.tasks.repository.TaskSnapshotWriter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Applies task events to the read model, exactly once each: the {@link Inbox} records the event id
 * in the same transaction as the change it causes, so a redelivered event finds its id and is
 * skipped.
 *
 * <p>The projection is idempotent on its own too, which is what lets the inbox forget old ids: a
 * {@code task.status} snapshot applies only with a higher sequence than the stored one, and never
 * to a terminal task ({@link TaskSnapshotWriter#applyStatus}), so a repeated or stale one is
 * ignored; a repeated {@code task.created} only fills in a prompt that is no longer missing
 * ({@link TaskSnapshotWriter#applyCreated}). Task rows are never deleted, so these guards always
 * find the row to compare with.
 *
 * <p>Every event of a task also extends its public event stream ({@link EventLogProjection}), in
 * the same transaction: {@code task.deliverable} is read only for that.
 */
@ApplicationScoped
public class TaskProjection {

    static final String CONSUMER = "task-service";

    private final Inbox inbox;
    private final TaskSnapshotWriter tasks;
    private final EventLogProjection eventLog;

    public TaskProjection(Inbox inbox, TaskSnapshotWriter tasks, EventLogProjection eventLog) {
        this.inbox = inbox;
        this.tasks = tasks;
        this.eventLog = eventLog;
    }

    public Uni<Void> apply(EventEnvelope<EventPayload> envelope) {
        return inbox.once(CONSUMER, envelope, tx -> {
            EventPayload payload = envelope.payload();
            if (payload instanceof TaskCreated created) {
                return tasks.applyCreated(tx, envelope, created).call(() -> eventLog.apply(tx, envelope));
            }
            if (payload instanceof TaskStatusChanged changed) {
                return tasks.applyStatus(tx, envelope, changed).call(() -> eventLog.apply(tx, envelope));
            }
            if (payload instanceof DeliverableCreated) {
                return eventLog.apply(tx, envelope);
            }
            // Other event types share these topics only by mistake; nothing to project.
            return Uni.createFrom().voidItem();
        });
    }
}
