package com.miteos.deliverables.repository;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.task.Mode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** SQL for the deliverable read model. Every read is scoped to the owner (account and mode). */
@ApplicationScoped
public class DeliverableRepository {

    private static final String COLUMNS = "id, task_id, name, content_type, size_bytes, object_key, created_at";

    private final Pool pool;

    public DeliverableRepository(Pool pool) {
        this.pool = pool;
    }

    /** Answers false when {@code consumer} already handled {@code eventId}. */
    public Uni<Boolean> markProcessed(SqlClient tx, String consumer, String eventId) {
        return tx.preparedQuery("INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventId))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Forgets at most {@code limit} event ids recorded longer than {@code retention} ago; answers
     * how many it deleted.
     */
    public Uni<Integer> pruneProcessed(Duration retention, int limit) {
        return pool.preparedQuery("""
                        DELETE FROM processed_events WHERE ctid = ANY(ARRAY(
                            SELECT ctid FROM processed_events
                             WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2))""")
                .execute(Tuple.of(retention.toMillis() / 1000.0, limit))
                .map(rows -> rows.rowCount());
    }

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

    public Uni<List<StoredDeliverable>> listForTask(String accountId, Mode mode, String taskId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " " + """
                         FROM deliverables WHERE account_id = $1 AND mode = $2 AND task_id = $3
                        ORDER BY created_at, id""")
                .execute(Tuple.of(accountId, mode.value(), taskId))
                .map(rows -> {
                    List<StoredDeliverable> found = new ArrayList<>();
                    rows.forEach(row -> found.add(toStored(row)));
                    return found;
                });
    }

    public Uni<StoredDeliverable> find(String accountId, Mode mode, String taskId, String id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " " + """
                         FROM deliverables WHERE account_id = $1 AND mode = $2 AND task_id = $3 AND id = $4""")
                .execute(Tuple.of(accountId, mode.value(), taskId, id))
                .map(rows -> rows.iterator().hasNext() ? toStored(rows.iterator().next()) : null);
    }

    private static StoredDeliverable toStored(Row row) {
        return new StoredDeliverable(row.getString("id"), row.getString("task_id"), row.getString("name"),
                row.getString("content_type"), row.getLong("size_bytes"), row.getString("object_key"),
                row.getOffsetDateTime("created_at").toInstant());
    }
}
