package com.miteos.tasks.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskStatusChanged;
import com.miteos.model.task.TaskStatus;
import com.miteos.tasks.domain.SnapshotFold;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes task events into the read model, in the caller's (the inbox's) transaction. Native SQL
 * on purpose: each write is one upsert whose guard is the invariant, which JPQL cannot state.
 * A status snapshot applies only with a higher per-task sequence than the stored one and never
 * to a terminal task, so an older or repeated event changes nothing; cost and deliverables count
 * never go down; a {@code task.created} that comes after its status only fills in the prompt.
 * Each method takes a batch's events of one kind and writes them in one multi-row statement
 * ({@link Columns}); one event is a batch of one.
 */
@ApplicationScoped
public class TaskSnapshotWriter {

    private final ObjectMapper json;

    public TaskSnapshotWriter(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Writes the {@code task.created} events of a batch in one multi-row statement. A task's
     * second one (a copy with another event id) would change nothing after its first, so only the
     * first is written.
     */
    public Uni<Void> applyCreated(SqlClient tx, List<EventEnvelope<TaskCreated>> events) {
        Map<String, EventEnvelope<TaskCreated>> firstPerTask = new TreeMap<>();
        events.forEach(envelope -> firstPerTask.putIfAbsent(envelope.taskId(), envelope));
        if (firstPerTask.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Columns rows = new Columns(8);
        for (EventEnvelope<TaskCreated> envelope : firstPerTask.values()) {
            TaskCreated created = envelope.payload();
            rows.add(envelope.taskId(), envelope.accountId(), envelope.mode().value(), TaskStatus.PENDING.value(),
                    created.prompt(), write(created.config()), envelope.sequence(), text(created.createdAt()));
        }
        // A status event may have overtaken this one; then only the fields it lacks are filled in.
        return rows.execute(tx, """
                        INSERT INTO tasks (id, account_id, mode, status, prompt, config, sequence, created_at, updated_at)
                        SELECT id, account_id, mode, status, prompt, config::jsonb, sequence, at::timestamptz, at::timestamptz
                          FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                                      $8::text[]) AS u(id, account_id, mode, status, prompt, config, sequence, at)
                        ON CONFLICT (id) DO UPDATE
                           SET prompt = EXCLUDED.prompt, config = EXCLUDED.config, created_at = EXCLUDED.created_at
                         WHERE tasks.prompt IS NULL""", String[]::new, String[]::new, String[]::new, String[]::new,
                String[]::new, String[]::new, Long[]::new, String[]::new);
    }

    /**
     * Writes the status snapshots of a batch (in arrival order): the tasks' rows are locked and
     * read in one statement, each task's snapshots are folded into one row write
     * ({@link SnapshotFold}), and the writes go in one multi-row statement. The upsert keeps its
     * guard, so the stored row never moves back even if it changed since it was read.
     */
    public Uni<Void> applyStatus(SqlClient tx, List<EventEnvelope<TaskStatusChanged>> snapshots) {
        Map<String, List<EventEnvelope<TaskStatusChanged>>> byTask = new TreeMap<>();
        snapshots.forEach(envelope -> byTask.computeIfAbsent(envelope.taskId(), id -> new ArrayList<>()).add(envelope));
        if (byTask.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("SELECT id, sequence, status FROM tasks WHERE id = ANY($1) ORDER BY id FOR UPDATE")
                .execute(Tuple.of(byTask.keySet().toArray(String[]::new)))
                .flatMap(stored -> {
                    Map<String, Row> rowsById = new HashMap<>();
                    stored.forEach(row -> rowsById.put(row.getString("id"), row));
                    Columns writes = new Columns(12);
                    byTask.forEach((task, taskSnapshots) -> {
                        Row row = rowsById.get(task);
                        SnapshotFold.fold(row == null ? null : row.getLong("sequence"),
                                        row == null ? null : TaskStatus.of(row.getString("status")), taskSnapshots)
                                .ifPresent(folded -> writes.add(statusRow(folded)));
                    });
                    return upsertStatus(tx, writes);
                });
    }

    private Object[] statusRow(SnapshotFold.Folded folded) {
        EventEnvelope<TaskStatusChanged> envelope = folded.newest();
        TaskStatusChanged changed = envelope.payload();
        return new Object[] {envelope.taskId(), envelope.accountId(), envelope.mode().value(),
                changed.status().value(), write(changed.agents()), folded.cost().toPlainString(),
                folded.deliverablesCount(), writeNullable(changed.error()), writeNullable(changed.statusDetail()),
                writeNullable(changed.deployment()), envelope.sequence(), text(changed.updatedAt())};
    }

    private Uni<Void> upsertStatus(SqlClient tx, Columns rows) {
        return rows.execute(tx, """
                        INSERT INTO tasks (id, account_id, mode, status, agents, cost, deliverables_count, error,
                                           status_detail, deployment, sequence, updated_at)
                        SELECT id, account_id, mode, status, agents::jsonb, cost::numeric, deliverables_count,
                               error::jsonb, status_detail::jsonb, deployment::jsonb, sequence, updated_at::timestamptz
                          FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                                      $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[])
                            AS u(id, account_id, mode, status, agents, cost, deliverables_count, error, status_detail,
                                 deployment, sequence, updated_at)
                        ON CONFLICT (id) DO UPDATE
                           SET status = EXCLUDED.status, agents = EXCLUDED.agents,
                               cost = GREATEST(tasks.cost, EXCLUDED.cost),
                               deliverables_count = GREATEST(tasks.deliverables_count, EXCLUDED.deliverables_count),
                               error = EXCLUDED.error, status_detail = EXCLUDED.status_detail,
                               deployment = EXCLUDED.deployment, sequence = EXCLUDED.sequence,
                               updated_at = EXCLUDED.updated_at
                         WHERE tasks.sequence < EXCLUDED.sequence
                           AND tasks.status NOT IN ('complete', 'failed', 'cancelled')""",
                String[]::new, String[]::new, String[]::new, String[]::new, String[]::new, String[]::new,
                Integer[]::new, String[]::new, String[]::new, String[]::new, Long[]::new, String[]::new);
    }

    /** A time as PostgreSQL text input; cut to its microseconds, as a bound timestamp would be. */
    private static String text(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).toString();
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
