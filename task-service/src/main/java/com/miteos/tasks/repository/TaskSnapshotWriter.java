package com.miteos.tasks.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.TaskStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Writes task events into the read model, in the caller's (the inbox's) transaction. Native SQL
 * on purpose: each write is one upsert whose guard is the invariant, which JPQL cannot state.
 * A status snapshot applies only with a higher per-task sequence than the stored one and never
 * to a terminal task, so an older or repeated event changes nothing; cost and deliverables count
 * never go down; a {@code task.created} that comes after its status only fills in the prompt.
 */
@ApplicationScoped
public class TaskSnapshotWriter {

    private final ObjectMapper json;

    public TaskSnapshotWriter(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Void> applyCreated(SqlClient tx, EventEnvelope<?> envelope, TaskCreated created) {
        // A status event may have overtaken this one; then only the fields it lacks are filled in.
        return tx.preparedQuery("""
                        INSERT INTO tasks (id, account_id, mode, status, prompt, config, sequence, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $8)
                        ON CONFLICT (id) DO UPDATE
                           SET prompt = EXCLUDED.prompt, config = EXCLUDED.config, created_at = EXCLUDED.created_at
                         WHERE tasks.prompt IS NULL""")
                .execute(Tuple.from(List.of(envelope.taskId(), envelope.accountId(), envelope.mode().value(),
                        TaskStatus.PENDING.value(), created.prompt(), write(created.config()), envelope.sequence(),
                        utc(created.createdAt()))))
                .replaceWithVoid();
    }

    public Uni<Void> applyStatus(SqlClient tx, EventEnvelope<?> envelope, TaskStatusChanged changed) {
        return tx.preparedQuery("""
                        INSERT INTO tasks (id, account_id, mode, status, agents, cost, deliverables_count, error,
                                           status_detail, deployment, sequence, updated_at)
                        VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8::text::jsonb, $9::text::jsonb,
                                $10::text::jsonb, $11, $12)
                        ON CONFLICT (id) DO UPDATE
                           SET status = EXCLUDED.status, agents = EXCLUDED.agents,
                               cost = GREATEST(tasks.cost, EXCLUDED.cost),
                               deliverables_count = GREATEST(tasks.deliverables_count, EXCLUDED.deliverables_count),
                               error = EXCLUDED.error, status_detail = EXCLUDED.status_detail,
                               deployment = EXCLUDED.deployment, sequence = EXCLUDED.sequence,
                               updated_at = EXCLUDED.updated_at
                         WHERE tasks.sequence < EXCLUDED.sequence
                           AND tasks.status NOT IN ('complete', 'failed', 'cancelled')""")
                .execute(Tuple.from(java.util.Arrays.asList(envelope.taskId(), envelope.accountId(),
                        envelope.mode().value(), changed.status().value(), write(changed.agents()), changed.cost(),
                        changed.deliverablesCount(), writeNullable(changed.error()),
                        writeNullable(changed.statusDetail()), writeNullable(changed.deployment()),
                        envelope.sequence(), utc(changed.updatedAt()))))
                .replaceWithVoid();
    }

    private static OffsetDateTime utc(java.time.Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    private String writeNullable(Object value) {
        return value == null ? null : write(value);
    }

}
