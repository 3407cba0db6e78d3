package com.miteos.tasks.service;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.tasks.inbox.Inbox;
import com.miteos.tasks.repository.TaskSnapshotWriter;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies task events to the read model, exactly once each: the {@link Inbox} records the event ids
 * in the same transaction as the change they cause, so a redelivered event finds its id and is
 * skipped. {@link #applyAll} takes a whole batch in one transaction, {@link #apply} one event in its
 * own; both project the same way.
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

    /** Projects a batch in one transaction; nothing of it is recorded when any part fails. */
    public Uni<Void> applyAll(List<EventEnvelope<EventPayload>> envelopes) {
        return inbox.onceAll(CONSUMER, envelopes, this::project);
    }

    /** Projects one event in its own transaction. */
    public Uni<Void> apply(EventEnvelope<EventPayload> envelope) {
        return inbox.once(CONSUMER, envelope, tx -> project(tx, List.of(envelope)));
    }

    /** Events not applied before, in arrival order. */
    @SuppressWarnings("unchecked")
    private Uni<Void> project(SqlClient tx, List<EventEnvelope<EventPayload>> fresh) {
        List<EventEnvelope<TaskCreated>> created = new ArrayList<>();
        List<EventEnvelope<TaskStatusChanged>> snapshots = new ArrayList<>();
        List<EventEnvelope<EventPayload>> streamed = new ArrayList<>();
        for (EventEnvelope<EventPayload> envelope : fresh) {
            EventPayload payload = envelope.payload();
            if (payload instanceof TaskCreated) {
                created.add((EventEnvelope<TaskCreated>) (EventEnvelope<?>) envelope);
            } else if (payload instanceof TaskStatusChanged) {
                snapshots.add((EventEnvelope<TaskStatusChanged>) (EventEnvelope<?>) envelope);
            } else if (!(payload instanceof DeliverableCreated)) {
                // Other event types share these topics only by mistake; nothing to project.
                continue;
            }
            streamed.add(envelope);
        }
        return tasks.applyCreated(tx, created)
                .chain(() -> tasks.applyStatus(tx, snapshots))
                .chain(() -> eventLog.apply(tx, streamed));
    }
}
