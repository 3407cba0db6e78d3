package com.miteos.tasks.repository;

import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskPage;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Lists and counts of an owner's tasks, through Panache. Only tasks whose {@code task.created}
 * has come (a prompt is stored) are shown. The lookup of one task by id is in
 * {@link TaskLookup}, on the reactive PostgreSQL client, for throughput.
 *
 * <p>Both reads are shaped for {@code GET /v1/tasks}'s throughput (task-service/README.md, "Data
 * access", has the measurements): each is one statement whose HQL is a constant per filter, so
 * Hibernate's query plan cache translates it once; rows come back as projections, never as
 * managed entities; and counts are plain {@code select count(*)}. Panache's own {@code count()}
 * goes through Hibernate's {@code getResultCount()}, which translates a fresh count query on
 * every call, and a collection-valued parameter ({@code status in :list}) makes a plan
 * uncacheable: both cost more than the page itself.
 */
@ApplicationScoped
public class TaskReadRepository implements PanacheRepositoryBase<TaskEntity, String> {

    private static final String ACTIVE = List.of(TaskStatus.PENDING, TaskStatus.PLANNING, TaskStatus.RUNNING,
            TaskStatus.PAUSED).stream().map(s -> "'" + s.value() + "'").collect(Collectors.joining(", "));
    private static final Sort NEWEST_FIRST = Sort.descending("createdAt", "id");

    /** How many of the owner's tasks have not finished (pending, planning, running or paused). */
    @WithSession
    public Uni<Long> countActive(Owner owner) {
        return find("select count(*) from TaskEntity where accountId = ?1 and mode = ?2 and prompt is not null"
                + " and status in (" + ACTIVE + ")", owner.accountId(), owner.mode().value())
                .project(Long.class).singleResult();
    }

    /**
     * Newest first; {@code status} null means every status. One round trip: the total comes with
     * every row, from a scalar subquery that PostgreSQL evaluates once per statement.
     */
    @WithSession
    public Uni<TaskPage> list(Owner owner, TaskStatus status, int limit, int offset) {
        Parameters params = Parameters.with("account", owner.accountId()).and("mode", owner.mode().value());
        if (status != null) {
            params = params.and("status", status.value());
        }
        Parameters filter = params;
        String page = "select t.id, t.status, t.prompt, t.createdAt, (select count(*) from TaskEntity c where "
                + where("c", status) + ") from TaskEntity t where " + where("t", status);
        int last = (int) Math.min((long) offset + limit - 1, Integer.MAX_VALUE);
        return find(page, NEWEST_FIRST, filter).project(TaskPageRow.class).range(offset, last).list()
                .flatMap(rows -> {
                    if (!rows.isEmpty() || offset == 0) {
                        long total = rows.isEmpty() ? 0 : rows.get(0).total();
                        return Uni.createFrom().item(toPage(rows, total, limit, offset));
                    }
                    // A page past the end has no row to carry the total: count on its own.
                    return find("select count(*) from TaskEntity t where " + where("t", status), filter)
                            .project(Long.class).singleResult()
                            .map(total -> toPage(rows, total, limit, offset));
                });
    }

    private static String where(String alias, TaskStatus status) {
        return alias + ".accountId = :account and " + alias + ".mode = :mode and " + alias + ".prompt is not null"
                + (status == null ? "" : " and " + alias + ".status = :status");
    }

    private static TaskPage toPage(List<TaskPageRow> rows, long total, int limit, int offset) {
        return new TaskPage(rows.stream().map(TaskPageRow::toSummary).toList(), total, limit, offset);
    }
}
