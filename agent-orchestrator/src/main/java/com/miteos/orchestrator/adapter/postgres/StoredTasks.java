package com.miteos.orchestrator.adapter.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCreated;
import com.miteos.orchestrator.domain.run.Checkpoint;
import com.miteos.orchestrator.domain.run.RunState;
import com.miteos.orchestrator.port.journal.TaskStore.StoredTask;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads claimed tasks back, with their agents' checkpoints, ready to resume. The rows must have
 * {@code task_id, created_event, state, cancel_requested, resumes, lease_epoch, traceparent}; each task read
 * is held here under its epoch ({@link TaskLeases}).
 */
@ApplicationScoped
class StoredTasks {

    static final String COLUMNS = "task_id, created_event, state, cancel_requested, resumes, lease_epoch, traceparent";

    private final ObjectMapper json;
    private final TaskLeases leases;

    StoredTasks(ObjectMapper json, TaskLeases leases) {
        this.json = json;
        this.leases = leases;
    }

    @SuppressWarnings("unchecked")
    Uni<List<StoredTask>> read(SqlClient sql, RowSet<Row> tasks) {
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
                        String taskId = row.getString("task_id");
                        leases.holdTask(taskId, row.getLong("lease_epoch"));
                        try {
                            EventEnvelope<EventPayload> created = EventJson.fromJson(row.getString("created_event"));
                            claimed.add(new StoredTask((EventEnvelope<TaskCreated>) (EventEnvelope<?>) created,
                                    state(row.getString("state")), byTask.getOrDefault(taskId, List.of()),
                                    row.getBoolean("cancel_requested"), row.getInteger("resumes"),
                                    row.getString("traceparent")));
                        } catch (RuntimeException unreadable) {
                            // One task that cannot be read must not keep every other from being resumed.
                            Log.errorf(unreadable, "task %s: stored state is unreadable; it is not resumed", taskId);
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
