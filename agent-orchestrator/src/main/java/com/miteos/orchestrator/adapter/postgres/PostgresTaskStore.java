package com.miteos.orchestrator.adapter.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.orchestrator.domain.run.Checkpoint;
import com.miteos.orchestrator.domain.run.RunState;
import com.miteos.orchestrator.port.journal.TaskStore;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The orchestrator's tasks in its own PostgreSQL database: accepting them, durable commands,
 * and finding the ones to resume ({@link TaskStore}). Changes made while a task runs go through the
 * {@link JournalWriter}.
 */
@ApplicationScoped
public class PostgresTaskStore implements TaskStore {

    static final String UNFINISHED = "status NOT IN ('complete', 'failed', 'cancelled')";

    private final Pool pool;
    private final ObjectMapper json;

    public PostgresTaskStore(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * Accepts a task from its {@code task.created} event, owned by {@code owner}; a task seen
     * before is not accepted again. Cancels and pauses that arrived first are taken with it, in
     * the same transaction.
     */
    @Override
    public Uni<Intake> accept(EventEnvelope<TaskCreated> created, String owner) {
        return pool.withTransaction(sql -> sql.preparedQuery("""
                        INSERT INTO tasks (task_id, account_id, mode, created_event, status, owner)
                        VALUES ($1, $2, $3, $4, 'pending', $5)
                        ON CONFLICT (task_id) DO NOTHING RETURNING task_id""")
                .execute(Tuple.of(created.taskId(), created.accountId(), created.mode().value(),
                        EventJson.toJson(created), owner))
                .flatMap(inserted -> inserted.rowCount() == 0
                        ? Uni.createFrom().item(new Intake(false, false, false))
                        : earlyCommands(sql, created.taskId())));
    }

    /** Takes the commands that came first; a cancel becomes the task's flag in the same transaction. */
    private Uni<Intake> earlyCommands(SqlClient sql, String taskId) {
        return sql.preparedQuery("DELETE FROM early_commands WHERE task_id = $1 RETURNING cancel, pause")
                .execute(Tuple.of(taskId))
                .flatMap(rows -> {
                    Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    Intake intake = new Intake(true, row != null && row.getBoolean("cancel"),
                            row != null && row.getBoolean("pause"));
                    return !intake.cancelled() ? Uni.createFrom().item(intake)
                            : sql.preparedQuery("UPDATE tasks SET cancel_requested = true WHERE task_id = $1")
                                    .execute(Tuple.of(taskId)).replaceWith(intake);
                });
    }

    /**
     * Records a cancel before it is acknowledged, so it outlives any crash: on the task when it is
     * known here, otherwise for when it arrives. Answers whether the task is known.
     */
    @Override
    public Uni<Boolean> requestCancel(String taskId) {
        return pool.withTransaction(sql -> sql.preparedQuery(
                        "UPDATE tasks SET cancel_requested = true, updated_at = now() WHERE task_id = $1")
                .execute(Tuple.of(taskId))
                .flatMap(updated -> updated.rowCount() > 0 ? Uni.createFrom().item(true)
                        : sql.preparedQuery("""
                                INSERT INTO early_commands (task_id, cancel) VALUES ($1, true)
                                ON CONFLICT (task_id) DO UPDATE SET cancel = true""")
                        .execute(Tuple.of(taskId)).replaceWith(false)));
    }

    /** Remembers a pause for a task not known here yet. Answers false when the task is known after all. */
    @Override
    public Uni<Boolean> rememberEarlyPause(String taskId) {
        return pool.withTransaction(sql -> sql.preparedQuery("SELECT 1 FROM tasks WHERE task_id = $1")
                .execute(Tuple.of(taskId))
                .flatMap(known -> known.rowCount() > 0 ? Uni.createFrom().item(false)
                        : sql.preparedQuery("""
                                INSERT INTO early_commands (task_id, pause) VALUES ($1, true)
                                ON CONFLICT (task_id) DO UPDATE SET pause = true""")
                        .execute(Tuple.of(taskId)).replaceWith(true)));
    }

    /**
     * Claims unfinished tasks that no live instance runs: owned by nobody, or by an instance that
     * stopped heartbeating longer than {@code ownerTimeout} ago, and, at start only
     * ({@code includeOwn}), by {@code owner} itself (an earlier process of it). Tasks in
     * {@code here} are skipped. Each claim counts as a resume.
     */
    @Override
    public Uni<List<StoredTask>> claimOrphans(String owner, Duration ownerTimeout, Set<String> here, int limit,
            boolean includeOwn) {
        return pool.withTransaction(sql -> sql.preparedQuery("""
                        UPDATE tasks SET owner = $1, resumes = resumes + 1, updated_at = now()
                        WHERE task_id IN (
                            SELECT task_id FROM tasks
                            WHERE %s AND task_id <> ALL($3)
                              AND (owner IS NULL OR ($5 AND owner = $1) OR (owner <> $1 AND owner NOT IN (
                                  SELECT instance_id FROM instances
                                  WHERE heartbeat_at > now() - make_interval(secs => $2))))
                            ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)
                        RETURNING task_id, created_event, state,
                                  cancel_requested, resumes""".formatted(UNFINISHED))
                .execute(Tuple.tuple(List.of(owner, ownerTimeout.toMillis() / 1000.0, here.toArray(String[]::new), limit,
                        includeOwn)))
                .flatMap(rows -> withCheckpoints(sql, rows)));
    }

    @SuppressWarnings("unchecked")
    private Uni<List<StoredTask>> withCheckpoints(SqlClient sql, RowSet<Row> tasks) {
        if (tasks.rowCount() == 0) {
            return Uni.createFrom().item(List.of());
        }
        List<String> ids = new ArrayList<>();
        tasks.forEach(row -> ids.add(row.getString("task_id")));
        return sql.preparedQuery("""
                        SELECT task_id, conversation, step, messages, user_messages_seen, summary
                        FROM agent_checkpoints WHERE task_id = ANY($1)""")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<Checkpoint>> byTask = new HashMap<>();
                    rows.forEach(row -> byTask.computeIfAbsent(row.getString("task_id"), id -> new ArrayList<>())
                            .add(new Checkpoint(row.getString("conversation"), row.getInteger("step"),
                                    row.getString("messages"), row.getInteger("user_messages_seen"),
                                    row.getString("summary"))));
                    List<StoredTask> claimed = new ArrayList<>();
                    for (Row row : tasks) {
                        try {
                            EventEnvelope<EventPayload> created = EventJson.fromJson(row.getString("created_event"));
                            claimed.add(new StoredTask((EventEnvelope<TaskCreated>) (EventEnvelope<?>) created,
                                    state(row.getString("state")),
                                    byTask.getOrDefault(row.getString("task_id"), List.of()),
                                    row.getBoolean("cancel_requested"), row.getInteger("resumes")));
                        } catch (RuntimeException unreadable) {
                            // One task that cannot be read must not keep every other from being resumed.
                            Log.errorf(unreadable, "task %s: stored state is unreadable; it is not resumed",
                                    row.getString("task_id"));
                        }
                    }
                    return claimed;
                });
    }

    private RunState state(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readValue(text, RunState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored run state does not parse", e);
        }
    }
}
