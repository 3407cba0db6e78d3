package com.miteos.tasks.service;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import com.miteos.tasks.domain.DerivedEvent;
import com.miteos.tasks.domain.StreamDerivation;
import com.miteos.tasks.domain.StreamState;
import com.miteos.tasks.repository.TaskEventLog;
import com.miteos.tasks.repository.TaskEventLog.Extension;
import com.miteos.tasks.repository.TaskEventLog.Position;
import com.miteos.tasks.repository.WebhookDeliveries;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Extends the tasks' public event streams with a batch of orchestrator events, in the caller's
 * transaction.
 *
 * <p>The stream must be the same for every reader and every replay, so its events are derived from
 * the orchestrator's events strictly in their sequence order (0 = {@code task.created}, then the
 * orchestrator's 1, 2, 3…, one counter for status and deliverable events): an event that comes
 * before one of its predecessors (they travel on different topics, through different consumers) is
 * held until the gap is filled. An event at or below the applied sequence was applied already and
 * changes nothing, so a redelivery never appends twice. The batch's task stream rows are locked
 * first, so two consumers extending one task take turns.
 *
 * <p>A batch is taken event by event in arrival order, exactly as if each came alone: every
 * snapshot is compared with the one before it, so a batch holding several snapshots of a task
 * loses none of their events. Only the reads and writes are gathered: one statement locks the
 * batch's streams, one reads their held events, and the writes go out together at the end.
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

    public Uni<Void> apply(SqlClient tx, List<? extends EventEnvelope<? extends EventPayload>> envelopes) {
        Map<String, List<EventEnvelope<? extends EventPayload>>> byTask = new TreeMap<>();
        envelopes.forEach(envelope -> byTask.computeIfAbsent(envelope.taskId(), id -> new ArrayList<>()).add(envelope));
        if (byTask.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> tasks = new ArrayList<>(byTask.keySet());
        return log.lock(tx, tasks).flatMap(positions -> log.held(tx, tasks).flatMap(held -> {
            List<Extension> extensions = new ArrayList<>(tasks.size());
            byTask.forEach((task, arrivals) ->
                    extensions.add(extend(task, positions.get(task), held.getOrDefault(task, List.of()), arrivals)));
            return log.write(tx, extensions).chain(() -> enqueueWebhooks(tx, extensions));
        }));
    }

    /** Queues the webhook deliveries of every task's new events, a task after the other. */
    private Uni<Void> enqueueWebhooks(SqlClient tx, List<Extension> extensions) {
        Uni<Void> queued = Uni.createFrom().voidItem();
        for (Extension extension : extensions) {
            if (!extension.events().isEmpty()) {
                queued = queued.chain(() -> webhooks.enqueue(tx, extension.taskId(), extension.firstId(),
                        extension.events()));
            }
        }
        return queued;
    }

    /** What {@code arrivals}, taken one by one, add to a task's stream at {@code position}. */
    static Extension extend(String task, Position position, List<? extends EventEnvelope<? extends EventPayload>> stored,
            List<EventEnvelope<? extends EventPayload>> arrivals) {
        NavigableMap<Long, EventEnvelope<? extends EventPayload>> pending = new TreeMap<>();
        stored.forEach(envelope -> pending.put(envelope.sequence(), envelope));
        long firstStored = pending.isEmpty() ? Long.MAX_VALUE : pending.firstKey();
        Set<Long> storedSequences = new HashSet<>(pending.keySet());
        List<DerivedEvent> events = new ArrayList<>();
        StreamState state = position.state();
        long applied = position.appliedSequence();
        for (EventEnvelope<? extends EventPayload> envelope : arrivals) {
            if (envelope.sequence() <= applied) {
                continue;
            }
            if (envelope.sequence() != applied + 1) {
                pending.putIfAbsent(envelope.sequence(), envelope);
                continue;
            }
            // The next event, then every held one it makes consecutive.
            for (EventEnvelope<? extends EventPayload> next = envelope; next != null; next = pending.get(applied + 1)) {
                StreamDerivation.Step step = StreamDerivation.next(state, next);
                events.addAll(step.events());
                state = step.state();
                applied = next.sequence();
            }
            pending.headMap(applied, true).clear();
        }
        List<EventEnvelope<? extends EventPayload>> newlyHeld = new ArrayList<>();
        pending.values().forEach(envelope -> {
            if (!storedSequences.contains(envelope.sequence())) {
                newlyHeld.add(envelope);
            }
        });
        Position after = new Position(applied, position.lastEventId() + events.size(), state);
        return new Extension(task, position.lastEventId() + 1, events, after,
                applied != position.appliedSequence(), firstStored <= applied, newlyHeld);
    }
}
