package com.miteos.tasks.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskSummary;
import com.miteos.model.view.TaskView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL for the task read model. Writes are guarded by the per-task sequence number, so an
 * event older than the state already stored changes nothing, and a terminal task never changes.
 */
@ApplicationScoped
public class TaskRepository {

    private static final TypeReference<List<AgentState>> AGENTS = new TypeReference<>() {
    };

    private static final String COLUMNS = """
            id, status, prompt, config::text AS config, agents::text AS agents, cost, deliverables_count,
            error::text AS error, status_detail::text AS status_detail, deployment::text AS deployment, created_at,
            updated_at""";

    private final Pool pool;
    private final ObjectMapper json;

    public TaskRepository(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * Records that {@code consumer} handled {@code eventId}. Answers false when it already had:
     * the caller must then skip the event.
     */
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

    public Uni<TaskView> find(Owner owner, String id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " " + """
                         FROM tasks WHERE id = $1 AND account_id = $2 AND mode = $3 AND prompt IS NOT NULL""")
                .execute(Tuple.of(id, owner.accountId(), owner.mode().value()))
                .map(rows -> rows.iterator().hasNext() ? toView(rows.iterator().next()) : null);
    }

    /** How many of the owner's tasks have not finished (pending, planning, running or paused). */
    public Uni<Long> countActive(Owner owner) {
        return pool.preparedQuery("SELECT count(*) FROM tasks WHERE account_id = $1 AND mode = $2"
                        + " AND prompt IS NOT NULL AND status IN ('pending', 'planning', 'running', 'paused')")
                .execute(Tuple.of(owner.accountId(), owner.mode().value()))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Newest first; {@code status} null means every status. */
    public Uni<TaskPage> list(Owner owner, TaskStatus status, int limit, int offset) {
        String filter = "account_id = $1 AND mode = $2 AND prompt IS NOT NULL"
                + (status == null ? "" : " AND status = $3");
        Tuple args = Tuple.of(owner.accountId(), owner.mode().value());
        if (status != null) {
            args.addString(status.value());
        }
        int next = args.size() + 1;
        Uni<List<TaskSummary>> page = pool.preparedQuery("SELECT id, status, prompt, created_at FROM tasks WHERE "
                        + filter + " ORDER BY created_at DESC, id DESC LIMIT $" + next + " OFFSET $" + (next + 1))
                .execute(copy(args).addInteger(limit).addInteger(offset))
                .map(rows -> {
                    List<TaskSummary> tasks = new ArrayList<>();
                    rows.forEach(row -> tasks.add(new TaskSummary(row.getString("id"),
                            TaskStatus.of(row.getString("status")), row.getString("prompt"),
                            row.getOffsetDateTime("created_at").toInstant())));
                    return tasks;
                });
        Uni<Long> total = pool.preparedQuery("SELECT count(*) FROM tasks WHERE " + filter)
                .execute(args)
                .map(rows -> rows.iterator().next().getLong(0));
        return Uni.combine().all().unis(page, total).asTuple()
                .map(both -> new TaskPage(both.getItem1(), both.getItem2(), limit, offset));
    }

    private TaskView toView(Row row) {
        return new TaskView(
                row.getString("id"),
                TaskStatus.of(row.getString("status")),
                row.getString("prompt"),
                read(row.getString("config"), TaskConfig.class),
                read(row.getString("agents"), AGENTS),
                row.getBigDecimal("cost").doubleValue(),
                row.getInteger("deliverables_count"),
                readNullable(row.getString("error"), TaskError.class),
                readNullable(row.getString("status_detail"), StatusDetail.class),
                readNullable(row.getString("deployment"), Deployment.class),
                row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant());
    }

    private static Tuple copy(Tuple tuple) {
        Tuple copy = Tuple.tuple();
        for (int i = 0; i < tuple.size(); i++) {
            copy.addValue(tuple.getValue(i));
        }
        return copy;
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

    private <T> T readNullable(String value, Class<T> type) {
        return value == null ? null : read(value, type);
    }

    private <T> T read(String value, Class<T> type) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is unreadable", e);
        }
    }

    private <T> T read(String value, TypeReference<T> type) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored value is unreadable", e);
        }
    }
}
