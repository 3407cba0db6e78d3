package com.miteos.gateway.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.TaskConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code task_submissions} as an outbox: a submission is stored before its {@code task.created} is
 * published, stamped once the broker has it, and relayed while it is not. Native SQL on purpose:
 * the insert is insert-first deduplication on the Idempotency-Key ({@code ON CONFLICT DO NOTHING},
 * the row count says whether this call stored it), the stamp sets only an unset
 * {@code published_at}, and the relay's read of unpublished rows uses the partial index; and it
 * runs from the relay's timer, off any Vert.x context, where a reactive Hibernate session cannot. The
 * admission under the active-task cap ({@link #insertIfRoom}) is one transaction under an advisory lock, for
 * a batch of one owner's submissions at once.
 * Reads of a submission by its owner are {@link TaskSubmissionRepository}.
 */
@ApplicationScoped
public class SubmissionOutbox {

    private static final String COLUMNS = """
            task_id, account_id, mode, idempotency_key, request_hash, prompt, config::text AS config, created_at,
            published_at, traceparent""";
    private static final String INSERT = """
            INSERT INTO task_submissions (task_id, account_id, mode, idempotency_key, request_hash, prompt, config,
                                          created_at, traceparent)
            VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9)
            ON CONFLICT (account_id, mode, idempotency_key) DO NOTHING""";

    private final Pool pool;
    private final ObjectMapper json;

    public SubmissionOutbox(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * Stores a submission, not published yet. With an idempotency key that the owner already used, nothing is
     * stored and the answer is false: the caller must then look up the earlier submission.
     */
    public Uni<Boolean> insert(TaskSubmission s) {
        return insert(pool, s);
    }

    /**
     * What an admission found under its lock: the owner's unfinished tasks in this mode that count
     * against its cap (the read model's count plus the submissions it may not count), and which of
     * the batch's idempotency keys the owner already used.
     */
    public record Found(long unfinished, Set<String> usedKeys) {
    }

    /**
     * Stores those of a batch of submissions, all of one owner and mode, that {@code choose} picks,
     * in one transaction that asks {@code elsewhere} first (the read model's count, a remote call made
     * before any lock is taken), then takes a lock of the owner's account and mode
     * ({@code pg_advisory_xact_lock}), so the admissions of one account and mode, by every gateway
     * replica, happen one after the other. Under the lock, {@code choose} is given {@code elsewhere}'s
     * count plus the owner's submissions in this mode that the read model was not seen to show
     * ({@code projected_at} unset) or was seen to show only since this transaction began (the read
     * model may not have counted those when it was asked), and the batch's idempotency keys already
     * used. The lock is held until the chosen submissions are committed, so the next admission counts
     * them. The answer is the ids of the submissions stored (one whose key turned out used is not).
     */
    public Uni<Set<String>> insertIfRoom(List<TaskSubmission> batch, Uni<Long> elsewhere,
            Function<Found, List<TaskSubmission>> choose) {
        TaskSubmission owner = batch.get(0);
        String[] keys = batch.stream().map(TaskSubmission::idempotencyKey).filter(Objects::nonNull).distinct()
                .toArray(String[]::new);
        // withTransaction has run BEGIN before it calls this: now() below is that moment, before elsewhere was asked.
        return pool.withTransaction(tx -> elsewhere
                .flatMap(counted -> tx.preparedQuery("SELECT 1 FROM pg_advisory_xact_lock(hashtextextended($1, 0))")
                        .execute(Tuple.of("task_submissions/" + owner.accountId() + "/" + owner.mode()))
                        // A statement of its own: its snapshot is taken after the lock, so it sees the last holder's rows.
                        .flatMap(locked -> tx.preparedQuery("""
                                        SELECT (SELECT count(*) FROM task_submissions
                                                 WHERE account_id = $1 AND mode = $2 AND projected_at IS NULL)
                                             + (SELECT count(*) FROM task_submissions
                                                 WHERE account_id = $1 AND mode = $2 AND projected_at >= now())
                                               AS not_counted_elsewhere,
                                               ARRAY(SELECT idempotency_key FROM task_submissions
                                                      WHERE account_id = $1 AND mode = $2
                                                        AND idempotency_key = ANY($3)) AS used_keys""")
                                .execute(Tuple.of(owner.accountId(), owner.mode(), keys)))
                        .map(rows -> {
                            Row row = rows.iterator().next();
                            return new Found(counted + row.getLong("not_counted_elsewhere"),
                                    Set.of(row.getArrayOfStrings("used_keys")));
                        })
                        .flatMap(found -> insertAll(tx, choose.apply(found)))));
    }

    private Uni<Set<String>> insertAll(SqlClient client, List<TaskSubmission> chosen) {
        if (chosen.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return client.preparedQuery(INSERT + " RETURNING task_id")
                .executeBatch(chosen.stream().map(this::row).toList())
                .map(results -> {
                    Set<String> stored = new HashSet<>();
                    for (RowSet<Row> result = results; result != null; result = result.next()) {
                        result.forEach(row -> stored.add(row.getString("task_id")));
                    }
                    return stored;
                });
    }

    private Uni<Boolean> insert(SqlClient client, TaskSubmission s) {
        return client.preparedQuery(INSERT).execute(row(s)).map(rows -> rows.rowCount() == 1);
    }

    private Tuple row(TaskSubmission s) {
        return Tuple.from(Arrays.asList(s.taskId(), s.accountId(), s.mode(), s.idempotencyKey(), s.requestHash(),
                s.prompt(), write(s.config()), s.createdAt().atOffset(ZoneOffset.UTC), s.traceparent()));
    }

    /** Records that the read model shows the submission's task: the active-task cap counts it there from now on. */
    public Uni<Void> markProjected(String taskId) {
        return pool.preparedQuery("UPDATE task_submissions SET projected_at = now() WHERE task_id = $1"
                        + " AND projected_at IS NULL")
                .execute(Tuple.of(taskId))
                .replaceWithVoid();
    }

    /**
     * The ids of the oldest submissions, at most {@code limit}, that the broker has but the read model
     * was not seen to show yet: those the marker asks the read model about.
     */
    public Uni<List<String>> findPublishedUnprojected(int limit) {
        return pool.preparedQuery("SELECT task_id FROM task_submissions WHERE projected_at IS NULL"
                        + " AND published_at IS NOT NULL ORDER BY created_at, task_id LIMIT $1")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<String> ids = new ArrayList<>(rows.size());
                    rows.forEach(row -> ids.add(row.getString("task_id")));
                    return ids;
                });
    }

    /** Records that the read model shows these submissions' tasks, in one statement. */
    public Uni<Void> markProjected(List<String> taskIds) {
        return pool.preparedQuery("UPDATE task_submissions SET projected_at = now() WHERE task_id = ANY($1)"
                        + " AND projected_at IS NULL")
                .execute(Tuple.of(taskIds.toArray(String[]::new)))
                .replaceWithVoid();
    }

    /**
     * The owner's newest submissions, at most {@code limit}, that the read model may not show yet
     * ({@code projected_at} unset), newest first: what a list shows before the read model does.
     */
    public Uni<List<TaskSubmission>> findUnprojected(String accountId, String mode, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM task_submissions"
                        + " WHERE account_id = $1 AND mode = $2 AND projected_at IS NULL"
                        + " ORDER BY created_at DESC, task_id DESC LIMIT $3")
                .execute(Tuple.of(accountId, mode, limit))
                .map(this::toSubmissions);
    }

    /** Records that the broker acknowledged the submission's {@code task.created}. */
    public Uni<Void> markPublished(String taskId) {
        return pool.preparedQuery("UPDATE task_submissions SET published_at = now() WHERE task_id = $1"
                        + " AND published_at IS NULL")
                .execute(Tuple.of(taskId))
                .replaceWithVoid();
    }

    /**
     * Records that the broker acknowledged these submissions' {@code task.created}, in one statement
     * (the stamps of the records acknowledged together, {@code SubmissionDelivery}).
     */
    public Uni<Void> markPublished(List<String> taskIds) {
        return pool.preparedQuery("UPDATE task_submissions SET published_at = now() WHERE task_id = ANY($1)"
                        + " AND published_at IS NULL")
                .execute(Tuple.of(taskIds.toArray(String[]::new)))
                .replaceWithVoid();
    }

    public Uni<Boolean> isPublished(String taskId) {
        return pool.preparedQuery("SELECT published_at IS NOT NULL AS published FROM task_submissions"
                        + " WHERE task_id = $1")
                .execute(Tuple.of(taskId))
                .map(rows -> rows.size() == 1 && rows.iterator().next().getBoolean("published"));
    }

    /**
     * The oldest submissions, at most {@code limit}, accepted before {@code acceptedBefore} and not published
     * yet, in (created_at, task_id) order, starting after {@code after} (null: from the oldest). A relay
     * reading page after page this way reads every row once, even one whose stamp has not landed.
     */
    public Uni<List<TaskSubmission>> findUnpublished(Instant acceptedBefore, TaskSubmission after, int limit) {
        String unpublished = "SELECT " + COLUMNS + " FROM task_submissions WHERE published_at IS NULL AND created_at < $1";
        String order = " ORDER BY created_at, task_id LIMIT ";
        OffsetDateTime before = acceptedBefore.atOffset(ZoneOffset.UTC);
        Uni<RowSet<Row>> rows = after == null
                ? pool.preparedQuery(unpublished + order + "$2").execute(Tuple.of(before, limit))
                : pool.preparedQuery(unpublished + " AND (created_at, task_id) > ($2, $3)" + order + "$4")
                        .execute(Tuple.of(before, after.createdAt().atOffset(ZoneOffset.UTC), after.taskId(), limit));
        return rows.map(this::toSubmissions);
    }

    private List<TaskSubmission> toSubmissions(RowSet<Row> rows) {
        List<TaskSubmission> found = new ArrayList<>(rows.size());
        rows.forEach(row -> found.add(toSubmission(row)));
        return found;
    }

    private TaskSubmission toSubmission(Row row) {
        try {
            return new TaskSubmission(row.getString("task_id"), row.getString("account_id"), row.getString("mode"),
                    row.getString("idempotency_key"), row.getString("request_hash"), row.getString("prompt"),
                    json.readValue(row.getString("config"), TaskConfig.class),
                    row.getOffsetDateTime("created_at").toInstant(), instant(row.getOffsetDateTime("published_at")),
                    row.getString("traceparent"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored task config is unreadable", e);
        }
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private String write(TaskConfig config) {
        try {
            return json.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task config cannot be written", e);
        }
    }
}
