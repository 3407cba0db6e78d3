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

/**
 * Lists and counts of an owner's tasks, through Panache. Only tasks whose {@code task.created}
 * has come (a prompt is stored) are shown. The lookup of one task by id is in
 * {@link TaskLookup}, on the reactive PostgreSQL client, for throughput.
 */
@ApplicationScoped
public class TaskReadRepository implements PanacheRepositoryBase<TaskEntity, String> {

    private static final List<String> ACTIVE = List.of("pending", "planning", "running", "paused");
    private static final Sort NEWEST_FIRST = Sort.descending("createdAt", "id");

    /** How many of the owner's tasks have not finished (pending, planning, running or paused). */
    @WithSession
    public Uni<Long> countActive(Owner owner) {
        return count("accountId = ?1 and mode = ?2 and prompt is not null and status in ?3",
                owner.accountId(), owner.mode().value(), ACTIVE);
    }

    /** Newest first; {@code status} null means every status. */
    @WithSession
    public Uni<TaskPage> list(Owner owner, TaskStatus status, int limit, int offset) {
        String query = "accountId = :account and mode = :mode and prompt is not null"
                + (status == null ? "" : " and status = :status");
        Parameters params = Parameters.with("account", owner.accountId()).and("mode", owner.mode().value());
        if (status != null) {
            params = params.and("status", status.value());
        }
        Parameters filter = params;
        int last = (int) Math.min((long) offset + limit - 1, Integer.MAX_VALUE);
        // One session runs one statement at a time: the page first, then the total.
        return find(query, NEWEST_FIRST, filter).range(offset, last).list()
                .flatMap(page -> count(query, filter).map(total -> new TaskPage(
                        page.stream().map(TaskEntity::toSummary).toList(), total, limit, offset)));
    }
}
