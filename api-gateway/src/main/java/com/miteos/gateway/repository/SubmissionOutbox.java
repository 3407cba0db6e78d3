package com.miteos.gateway.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.TaskConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code task_submissions} as an outbox: a submission is stored before its {@code task.created} is
 * published, stamped once the broker has it, and relayed while it is not. Native SQL on purpose:
 * the insert is insert-first deduplication on the Idempotency-Key ({@code ON CONFLICT DO NOTHING},
 * the row count says whether this call stored it), the stamp sets only an unset
 * {@code published_at}, and the relay's read of unpublished rows uses the partial index; and it
 * runs from the relay's timer, off any Vert.x context, where a reactive Hibernate session cannot.
 * Reads of a submission by its owner are {@link TaskSubmissionRepository}.
 */
@ApplicationScoped
public class SubmissionOutbox {

    private static final String COLUMNS = """
            task_id, account_id, mode, idempotency_key, request_hash, prompt, config::text AS config, created_at,
            published_at""";

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
        return pool.preparedQuery("""
                        INSERT INTO task_submissions (task_id, account_id, mode, idempotency_key, request_hash, prompt,
                                                      config, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8)
                        ON CONFLICT (account_id, mode, idempotency_key) DO NOTHING""")
                .execute(Tuple.from(Arrays.asList(s.taskId(), s.accountId(), s.mode(), s.idempotencyKey(),
                        s.requestHash(), s.prompt(), write(s.config()), s.createdAt().atOffset(ZoneOffset.UTC))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Records that the broker acknowledged the submission's {@code task.created}. */
    public Uni<Void> markPublished(String taskId) {
        return pool.preparedQuery("UPDATE task_submissions SET published_at = now() WHERE task_id = $1"
                        + " AND published_at IS NULL")
                .execute(Tuple.of(taskId))
                .replaceWithVoid();
    }

    public Uni<Boolean> isPublished(String taskId) {
        return pool.preparedQuery("SELECT published_at IS NOT NULL AS published FROM task_submissions"
                        + " WHERE task_id = $1")
                .execute(Tuple.of(taskId))
                .map(rows -> rows.size() == 1 && rows.iterator().next().getBoolean("published"));
    }

    /** The oldest submissions, accepted before {@code acceptedBefore}, that are not published yet. */
    public Uni<List<TaskSubmission>> findUnpublished(Instant acceptedBefore, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM task_submissions"
                        + " WHERE published_at IS NULL AND created_at < $1 ORDER BY created_at, task_id LIMIT $2")
                .execute(Tuple.of(acceptedBefore.atOffset(ZoneOffset.UTC), limit))
                .map(rows -> {
                    List<TaskSubmission> unpublished = new ArrayList<>(rows.size());
                    rows.forEach(row -> unpublished.add(toSubmission(row)));
                    return unpublished;
                });
    }

    private TaskSubmission toSubmission(Row row) {
        try {
            return new TaskSubmission(row.getString("task_id"), row.getString("account_id"), row.getString("mode"),
                    row.getString("idempotency_key"), row.getString("request_hash"), row.getString("prompt"),
                    json.readValue(row.getString("config"), TaskConfig.class),
                    row.getOffsetDateTime("created_at").toInstant(), instant(row.getOffsetDateTime("published_at")));
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
