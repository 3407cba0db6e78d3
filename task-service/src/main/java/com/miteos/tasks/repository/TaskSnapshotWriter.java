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

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Each method takes a batch's events of one kind and writes them in one statement batch (one
 * round trip); one event is a batch of one.
 */
@ApplicationScoped
public class TaskSnapshotWriter {

    private final ObjectMapper json;

    public TaskSnapshotWriter(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Writes the {@code task.created} events of a batch, one statement batch for all. A task's
     * second one (a copy with another event id) would change nothing after its first, so only the
     * first is written.
     */
    public Uni<Void> applyCreated(SqlClient tx, List<EventEnvelope<TaskCreated>> events) {
        Map<String, EventEnvelope<TaskCreated>> firstPerTask = new TreeMap<>();
        events.forEach(envelope -> firstPerTask.putIfAbsent(envelope.taskId(), envelope));
        if (firstPerTask.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>(firstPerTask.size());
        for (EventEnvelope<TaskCreated> envelope : firstPerTask.values()) {
            TaskCreated created = envelope.payload();
            rows.add(Tuple.from(List.of(envelope.taskId(), envelope.accountId(), envelope.mode().value(),
                    TaskStatus.PENDING.value(), created.prompt(), write(created.config()), envelope.sequence(),
                    utc(created.createdAt()))));
        }
        // A status event may have overtaken this one; then only the fields it lacks are filled in.
        return tx.preparedQuery("""
                        INSERT INTO tasks (id, account_id, mode, status, prompt, config, sequence, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $8)
                        ON CONFLICT (id) DO UPDATE
                           SET prompt = EXCLUDED.prompt, config = EXCLUDED.config, created_at = EXCLUDED.created_at
                         WHERE tasks.prompt IS NULL""")
                .executeBatch(rows)
                .replaceWithVoid();
    }

    /**
     * Writes the status snapshots of a batch (in arrival order): the tasks' rows are locked and
     * read in one statement, each task's snapshots are folded into one row write
     * ({@link SnapshotFold}), and the writes go in one statement batch. The upsert keeps its
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
                    List<Tuple> writes = new ArrayList<>(byTask.size());
                    byTask.forEach((task, taskSnapshots) -> {
                        Row row = rowsById.get(task);
                        SnapshotFold.fold(row == null ? null : row.getLong("sequence"),
                                        row == null ? null : TaskStatus.of(row.getString("status")), taskSnapshots)
                                .ifPresent(folded -> writes.add(statusRow(folded)));
                    });
                    return writes.isEmpty() ? Uni.createFrom().voidItem() : upsertStatus(tx, writes);
                });
    }

    private Tuple statusRow(SnapshotFold.Folded folded) {
        EventEnvelope<TaskStatusChanged> envelope = folded.newest();
        TaskStatusChanged changed = envelope.payload();
        return Tuple.from(Arrays.asList(envelope.taskId(), envelope.accountId(),
                envelope.mode().value(), changed.status().value(), write(changed.agents()), folded.cost(),
                folded.deliverablesCount(), writeNullable(changed.error()),
                writeNullable(changed.statusDetail()), writeNullable(changed.deployment()),
                envelope.sequence(), utc(changed.updatedAt())));
    }

    private Uni<Void> upsertStatus(SqlClient tx, List<Tuple> rows) {
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
                .executeBatch(rows)
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
