package com.miteos.tasks.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;
import com.miteos.model.view.TaskView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * One task of an owner, by id: the read behind every {@code GET /v1/tasks/{id}} (the gateway
 * polls it too, to give read-your-writes after a create). It stays on the reactive PostgreSQL
 * client rather than Panache on purpose: it is the hottest read of the platform, and a
 * measurement of this lookup through Hibernate Reactive cost 25-40 % of the requests per second
 * (session, entity hydration and the JSON columns' mapping on every call). Lists and counts are
 * in {@link TaskReadRepository}.
 */
@ApplicationScoped
public class TaskLookup {

    private static final TypeReference<List<AgentState>> AGENTS = new TypeReference<>() {
    };

    private static final String COLUMNS = """
            id, status, prompt, config::text AS config, agents::text AS agents, cost, deliverables_count,
            error::text AS error, status_detail::text AS status_detail, deployment::text AS deployment, created_at,
            updated_at""";

    private final Pool pool;
    private final ObjectMapper json;

    public TaskLookup(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /** The task, or null when the owner has no such task or its task.created has not come yet. */
    public Uni<TaskView> find(Owner owner, String id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " " + """
                         FROM tasks WHERE id = $1 AND account_id = $2 AND mode = $3 AND prompt IS NOT NULL""")
                .execute(Tuple.of(id, owner.accountId(), owner.mode().value()))
                .map(rows -> rows.iterator().hasNext() ? toView(rows.iterator().next()) : null);
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
