package com.miteos.orchestrator.adapter.postgres;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.TaskCreated;
import com.miteos.orchestrator.port.journal.TaskStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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
    private final StoredTasks stored;
    private final TaskLeases leases;

    PostgresTaskStore(Pool pool, StoredTasks stored, TaskLeases leases) {
        this.pool = pool;
        this.stored = stored;
        this.leases = leases;
    }

    /**
     * Accepts a task from its {@code task.created} event, owned by {@code owner}; a task seen
     * before is not accepted again. A task that came on a partition is accepted only while this
     * process holds that partition (its lease row is locked against a concurrent takeover), under
     * the partition's epoch; one that came without (no Kafka metadata) under an epoch of its own.
     * Cancels and pauses that arrived first are taken with it, in the same transaction.
     */
    @Override
    public Uni<Intake> accept(EventEnvelope<TaskCreated> created, String owner, Integer partition,
            String traceparent) {
        if (partition == null) {
            return pool.withTransaction(sql -> insert(sql, created, owner, null, null, traceparent));
        }
        Long epoch = leases.partitionEpoch(partition).orElse(null);
        if (epoch == null) {
            return Uni.createFrom().item(Intake.NOT_OWNED);
        }
        return pool.withTransaction(sql -> sql.preparedQuery("""
                        SELECT 1 FROM partition_leases WHERE command_partition = $1 AND epoch = $2 FOR SHARE""")
                .execute(Tuple.of(partition, epoch))
                .flatMap(held -> held.rowCount() == 0 ? Uni.createFrom().item(Intake.NOT_OWNED)
                        : insert(sql, created, owner, partition, epoch, traceparent)));
    }

    private Uni<Intake> insert(SqlClient sql, EventEnvelope<TaskCreated> created, String owner, Integer partition,
            Long epoch, String traceparent) {
        return sql.preparedQuery("""
                        INSERT INTO tasks (task_id, account_id, mode, created_event, status, owner,
                                           command_partition, lease_epoch, traceparent)
                        VALUES ($1, $2, $3, $4, 'pending', $5, $6, COALESCE($7, nextval('lease_epochs')), $8)
                        ON CONFLICT (task_id) DO NOTHING RETURNING lease_epoch""")
                .execute(Tuple.tuple(Arrays.asList(created.taskId(), created.accountId(), created.mode().value(),
                        EventJson.toJson(created), owner, partition, epoch, traceparent)))
                .flatMap(inserted -> {
                    if (inserted.rowCount() == 0) {
                        return Uni.createFrom().item(Intake.SEEN_BEFORE);
                    }
                    leases.holdTask(created.taskId(), inserted.iterator().next().getLong("lease_epoch"));
                    return earlyCommands(sql, created.taskId());
                });
    }

    /** Takes the commands that came first; a cancel becomes the task's flag in the same transaction. */
    private Uni<Intake> earlyCommands(SqlClient sql, String taskId) {
        return sql.preparedQuery("DELETE FROM early_commands WHERE task_id = $1 RETURNING cancel, pause")
                .execute(Tuple.of(taskId))
                .flatMap(rows -> {
                    Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
                    Intake intake = new Intake(true, false, row != null && row.getBoolean("cancel"),
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
     * {@code here} are skipped. Each claim counts as a resume and draws a new epoch. Only tasks
     * that came without a partition are claimed here: the others follow their partition
     * ({@link PostgresPartitionLeases}).
     */
    @Override
    public Uni<List<StoredTask>> claimOrphans(String owner, Duration ownerTimeout, Set<String> here, int limit,
            boolean includeOwn) {
        return pool.withTransaction(sql -> sql.preparedQuery("""
                        UPDATE tasks SET owner = $1, resumes = resumes + 1, lease_epoch = nextval('lease_epochs'),
                                         updated_at = now()
                        WHERE task_id IN (
                            SELECT task_id FROM tasks
                            WHERE %s AND command_partition IS NULL AND task_id <> ALL($3)
                              AND (owner IS NULL OR ($5 AND owner = $1) OR (owner <> $1 AND owner NOT IN (
                                  SELECT instance_id FROM instances
                                  WHERE heartbeat_at > now() - make_interval(secs => $2))))
                            ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)
                        RETURNING %s""".formatted(UNFINISHED, StoredTasks.COLUMNS))
                .execute(Tuple.tuple(List.of(owner, ownerTimeout.toMillis() / 1000.0, here.toArray(String[]::new), limit,
                        includeOwn)))
                .flatMap(rows -> stored.read(sql, rows)));
    }
}
