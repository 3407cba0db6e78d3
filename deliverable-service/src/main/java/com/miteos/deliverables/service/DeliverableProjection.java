package com.miteos.deliverables.service;

import com.miteos.deliverables.repository.DeliverableRepository;
import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventPayload;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/** Applies deliverable events exactly once: event id and row are written in one transaction. */
@ApplicationScoped
public class DeliverableProjection {

    static final String CONSUMER = "deliverable-service";

    private final Pool pool;
    private final DeliverableRepository deliverables;

    public DeliverableProjection(Pool pool, DeliverableRepository deliverables) {
        this.pool = pool;
        this.deliverables = deliverables;
    }

    public Uni<Void> apply(EventEnvelope<EventPayload> envelope) {
        if (!(envelope.payload() instanceof DeliverableCreated created)) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(tx -> deliverables.markProcessed(tx, CONSUMER, envelope.eventId())
                .flatMap(isNew -> isNew ? deliverables.insert(tx, envelope, created) : Uni.createFrom().voidItem()));
    }
}
