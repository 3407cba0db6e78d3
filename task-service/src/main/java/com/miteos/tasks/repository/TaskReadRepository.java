package com.miteos.tasks.repository;

import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskPage;
import com.miteos.model.view.TaskSummary;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists and counts of an owner's tasks, on the reactive PostgreSQL client. Only tasks whose
 * {@code task.created} has come (a prompt is stored) are shown.
 *
 * <p>This is the hot read of {@code GET /v1/tasks}, and every Hibernate Reactive with Panache form
 * of it measured below this SQL (task-service/README.md, "Data access", has the figures), which
 * issue 14's P2 forbids. A page is one statement: the total comes with every row from an
 * uncorrelated subquery that PostgreSQL evaluates once; only a page past the end (no row to carry
 * it) costs a second statement.
 */
@ApplicationScoped
public class TaskReadRepository {

    private static final String OWNED = "account_id = $1 AND mode = $2 AND prompt IS NOT NULL";
    private static final String WITH_STATUS = OWNED + " AND status = $3";

    private final Pool pool;

    public TaskReadRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * How many of the owner's shown tasks have not finished (pending, planning, running or paused):
     * the sum of the owner's rows in {@code task_count_deltas}, which a trigger on {@code tasks} keeps
     * (V7) and {@link UnfinishedCountCompaction} folds, so a handful of rows however many tasks.
     */
    public Uni<Long> countActive(Owner owner) {
        return pool.preparedQuery("SELECT COALESCE(sum(delta), 0)::bigint FROM task_count_deltas"
                        + " WHERE account_id = $1 AND mode = $2")
                .execute(Tuple.of(owner.accountId(), owner.mode().value()))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Which of these tasks are shown (their {@code task.created} has come), whoever owns them. */
    public Uni<List<String>> shown(List<String> ids) {
        return pool.preparedQuery("SELECT id FROM tasks WHERE id = ANY($1) AND prompt IS NOT NULL")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .map(rows -> {
                    List<String> shown = new ArrayList<>(rows.size());
                    rows.forEach(row -> shown.add(row.getString("id")));
                    return shown;
                });
    }

    /** Newest first; {@code status} null means every status. */
    public Uni<TaskPage> list(Owner owner, TaskStatus status, int limit, int offset) {
        String filter = status == null ? OWNED : WITH_STATUS;
        Tuple args = Tuple.of(owner.accountId(), owner.mode().value());
        if (status != null) {
            args.addString(status.value());
        }
        int next = args.size() + 1;
        String page = "SELECT id, status, prompt, created_at, (SELECT count(*) FROM tasks WHERE " + filter
                + ") AS total FROM tasks WHERE " + filter
                + " ORDER BY created_at DESC, id DESC LIMIT $" + next + " OFFSET $" + (next + 1);
        return pool.preparedQuery(page).execute(copy(args).addInteger(limit).addInteger(offset))
                .flatMap(rows -> {
                    if (rows.size() > 0 || offset == 0) {
                        long total = rows.size() == 0 ? 0 : rows.iterator().next().getLong("total");
                        return Uni.createFrom().item(new TaskPage(summaries(rows), total, limit, offset));
                    }
                    return count(filter, args).map(total -> new TaskPage(List.of(), total, limit, offset));
                });
    }

    private Uni<Long> count(String filter, Tuple args) {
        return pool.preparedQuery("SELECT count(*) FROM tasks WHERE " + filter).execute(args)
                .map(rows -> rows.iterator().next().getLong(0));
    }

    private static List<TaskSummary> summaries(RowSet<Row> rows) {
        List<TaskSummary> tasks = new ArrayList<>(rows.size());
        for (Row row : rows) {
            tasks.add(new TaskSummary(row.getString("id"), TaskStatus.of(row.getString("status")),
                    row.getString("prompt"), row.getOffsetDateTime("created_at").toInstant()));
        }
        return tasks;
    }

    private static Tuple copy(Tuple args) {
        Tuple copy = Tuple.tuple();
        for (int i = 0; i < args.size(); i++) {
            copy.addValue(args.getValue(i));
        }
        return copy;
    }
}
