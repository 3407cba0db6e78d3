package com.miteos.deliverables.repository;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Writes deliverable events into the read model, in the caller's (the inbox's) transaction.
 * Native SQL on purpose: {@code ON CONFLICT (id) DO NOTHING} makes a repeated event a no-op even
 * after the inbox forgot its id, an invariant a JPA persist cannot state.
 */
@ApplicationScoped
public class DeliverableWriter {

    public Uni<Void> insert(SqlClient tx, EventEnvelope<?> envelope, DeliverableCreated created) {
        return tx.preparedQuery("""
                        INSERT INTO deliverables (id, task_id, account_id, mode, agent_id, name, content_type,
                                                  size_bytes, object_key, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                        ON CONFLICT (id) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(created.deliverableId(), envelope.taskId(), envelope.accountId(),
                        envelope.mode().value(), created.agentId(), created.name(), created.contentType(),
                        created.sizeBytes(), created.objectKey(), created.createdAt().atOffset(ZoneOffset.UTC))))
                .replaceWithVoid();
    }
}
