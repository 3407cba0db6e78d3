package com.miteos.tasks.service;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import com.miteos.tasks.domain.DerivedEvent;
import com.miteos.tasks.domain.StreamDerivation;
import com.miteos.tasks.domain.StreamState;
import com.miteos.tasks.repository.TaskEventLog;
import com.miteos.tasks.repository.TaskEventLog.Position;
import com.miteos.tasks.repository.WebhookDeliveries;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Extends a task's public event stream with an orchestrator event, in the caller's transaction.
 *
 * <p>The stream must be the same for every reader and every replay, so its events are derived from
 * the orchestrator's events strictly in their sequence order (0 = {@code task.created}, then the
 * orchestrator's 1, 2, 3…, one counter for status and deliverable events): an event that comes
 * before one of its predecessors (they travel on different topics, through different consumers) is
 * held until the gap is filled. An event at or below the applied sequence was applied already and
 * changes nothing, so a redelivery never appends twice. The task's stream row is locked first, so
 * two consumers extending one task take turns.
 *
 * <p>The webhook deliveries of the appended events are queued in the same transaction
 * ({@link WebhookDeliveries#enqueue}): an event is in the stream and queued for every subscribed
 * endpoint, or neither.
 */
@ApplicationScoped
public class EventLogProjection {

    private final TaskEventLog log;
    private final WebhookDeliveries webhooks;

    public EventLogProjection(TaskEventLog log, WebhookDeliveries webhooks) {
        this.log = log;
        this.webhooks = webhooks;
    }

    public Uni<Void> apply(SqlClient tx, EventEnvelope<? extends EventPayload> envelope) {
        return log.lock(tx, envelope.taskId()).flatMap(position -> {
            if (envelope.sequence() <= position.appliedSequence()) {
                return Uni.createFrom().voidItem();
            }
            if (envelope.sequence() != position.appliedSequence() + 1) {
                return log.hold(tx, envelope);
            }
            return log.heldAfter(tx, envelope.taskId(), envelope.sequence())
                    .flatMap(held -> extend(tx, envelope, held, position));
        });
    }

    private Uni<Void> extend(SqlClient tx, EventEnvelope<? extends EventPayload> next,
            List<EventEnvelope<EventPayload>> held, Position position) {
        List<DerivedEvent> events = new ArrayList<>();
        StreamState state = position.state();
        long applied = position.appliedSequence();
        List<EventEnvelope<? extends EventPayload>> inOrder = new ArrayList<>();
        inOrder.add(next);
        inOrder.addAll(held);
        for (EventEnvelope<? extends EventPayload> envelope : inOrder) {
            if (envelope.sequence() != applied + 1) {
                break;
            }
            StreamDerivation.Step step = StreamDerivation.next(state, envelope);
            events.addAll(step.events());
            state = step.state();
            applied = envelope.sequence();
        }
        Position after = new Position(applied, position.lastEventId() + events.size(), state);
        long firstId = position.lastEventId() + 1;
        return log.append(tx, next.taskId(), firstId, events, after)
                .call(() -> webhooks.enqueue(tx, next.taskId(), firstId, events));
    }
}
