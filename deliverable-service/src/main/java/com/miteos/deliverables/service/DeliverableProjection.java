package com.miteos.deliverables.service;

import com.miteos.deliverables.inbox.Inbox;
import com.miteos.deliverables.repository.DeliverableWriter;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Applies deliverable events exactly once: the {@link Inbox} writes the event id and the row in
 * one transaction.
 *
 * <p>The projection is idempotent on its own too, which is what lets the inbox forget old ids: a
 * deliverable's id derives from its task id and file name (the orchestrator's
 * {@code write_file}), so every copy of its event carries the same id, and
 * {@link DeliverableWriter#insert} is {@code ON CONFLICT (id) DO NOTHING}; deliverable rows are
 * never deleted.
 */
@ApplicationScoped
public class DeliverableProjection {

    static final String CONSUMER = "deliverable-service";

    private final Inbox inbox;
    private final DeliverableWriter deliverables;

    public DeliverableProjection(Inbox inbox, DeliverableWriter deliverables) {
        this.inbox = inbox;
        this.deliverables = deliverables;
    }

    public Uni<Void> apply(EventEnvelope<EventPayload> envelope) {
        if (!(envelope.payload() instanceof DeliverableCreated created)) {
            return Uni.createFrom().voidItem();
        }
        return inbox.once(CONSUMER, envelope, tx -> deliverables.insert(tx, envelope, created));
    }
}
