package com.miteos.tasks.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.view.StreamCursor;
import com.miteos.model.view.StreamEvent;
import com.miteos.model.view.StreamEvents;
import com.miteos.tasks.domain.DerivedEvent;
import com.miteos.tasks.domain.StreamState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL of the per-task event log ({@code task_event}, {@code task_stream},
 * {@code task_stream_source}; see V4__task_event_log.sql). Writes run in the caller's (the
 * inbox's) transaction; {@link #after} reads many tasks' streams in one statement.
 */
@ApplicationScoped
public class TaskEventLog {

    /** How far a task's stream got, read under its row lock. */
    public record Position(long appliedSequence, long lastEventId, StreamState state) {
    }

    private final Pool pool;
    private final ObjectMapper json;

    public TaskEventLog(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * Locks the task's stream row (creating it: nothing applied yet) until the transaction ends, so
     * the status and the deliverable consumer extend one task's stream one after the other.
     */
    public Uni<Position> lock(SqlClient tx, String taskId) {
        return tx.preparedQuery("""
                        INSERT INTO task_stream (task_id, applied_sequence, last_event_id) VALUES ($1, -1, 0)
                        ON CONFLICT (task_id) DO UPDATE SET task_id = EXCLUDED.task_id
                        RETURNING applied_sequence, last_event_id, state::text AS state""")
                .execute(Tuple.of(taskId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    String state = row.getString("state");
                    return new Position(row.getLong("applied_sequence"), row.getLong("last_event_id"),
                            state == null ? null : read(state));
                });
    }

    /** Keeps an event that came before a predecessor until the gap is filled; a repeat changes nothing. */
    public Uni<Void> hold(SqlClient tx, EventEnvelope<?> envelope) {
        return tx.preparedQuery("""
                        INSERT INTO task_stream_source (task_id, sequence, envelope) VALUES ($1, $2, $3::text::jsonb)
                        ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(envelope.taskId(), envelope.sequence(), EventJson.toJson(envelope)))
                .replaceWithVoid();
    }

    /** The held events of a task after {@code sequence}, in sequence order. */
    public Uni<List<EventEnvelope<EventPayload>>> heldAfter(SqlClient tx, String taskId, long sequence) {
        return tx.preparedQuery("""
                        SELECT envelope::text AS envelope FROM task_stream_source
                         WHERE task_id = $1 AND sequence > $2 ORDER BY sequence""")
                .execute(Tuple.of(taskId, sequence))
                .map(rows -> {
                    List<EventEnvelope<EventPayload>> held = new ArrayList<>(rows.size());
                    rows.forEach(row -> held.add(EventJson.fromJson(row.getString("envelope"))));
                    return held;
                });
    }

    /**
     * Appends {@code events} with ids from {@code firstId} on, records the stream's new position
     * and forgets the held events it covers.
     */
    public Uni<Void> append(SqlClient tx, String taskId, long firstId, List<DerivedEvent> events, Position after) {
        Uni<Void> inserted = Uni.createFrom().voidItem();
        if (!events.isEmpty()) {
            List<Tuple> rows = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                rows.add(Tuple.of(taskId, firstId + i, events.get(i).type(), write(events.get(i).data())));
            }
            inserted = tx.preparedQuery("INSERT INTO task_event (task_id, id, type, data) VALUES ($1, $2, $3, $4::text::jsonb)")
                    .executeBatch(rows).replaceWithVoid();
        }
        return inserted
                .flatMap(ignored -> tx.preparedQuery("""
                                UPDATE task_stream SET applied_sequence = $2, last_event_id = $3, state = $4::text::jsonb
                                 WHERE task_id = $1""")
                        .execute(Tuple.of(taskId, after.appliedSequence(), after.lastEventId(), write(after.state()))))
                .flatMap(ignored -> tx.preparedQuery("DELETE FROM task_stream_source WHERE task_id = $1 AND sequence <= $2")
                        .execute(Tuple.of(taskId, after.appliedSequence())))
                .replaceWithVoid();
    }

    /**
     * For every cursor, the task's next events after it (at most {@code limit} per task, in id
     * order) and, once the task's stream has ended, the id of its terminal event, in one statement.
     * Tasks with nothing new that have not ended are left out.
     */
    public Uni<List<StreamEvents>> after(List<StreamCursor> cursors, int limit) {
        String[] ids = new String[cursors.size()];
        Long[] afters = new Long[cursors.size()];
        for (int i = 0; i < cursors.size(); i++) {
            ids[i] = cursors.get(i).taskId();
            afters[i] = cursors.get(i).after();
        }
        return pool.preparedQuery("""
                        SELECT s.task_id, e.id, e.type, e.data::text AS data,
                               CASE WHEN s.state->>'status' IN ('complete', 'failed', 'cancelled')
                                    THEN s.last_event_id END AS end_id
                          FROM unnest($1::text[], $2::bigint[]) AS c(task_id, after)
                          JOIN task_stream s ON s.task_id = c.task_id
                          LEFT JOIN LATERAL (SELECT id, type, data FROM task_event
                                              WHERE task_id = c.task_id AND id > c.after
                                              ORDER BY id LIMIT $3) e ON true
                         WHERE e.id IS NOT NULL OR s.state->>'status' IN ('complete', 'failed', 'cancelled')
                         ORDER BY s.task_id, e.id""")
                .execute(Tuple.of(ids, afters, limit))
                .map(rows -> {
                    Map<String, List<StreamEvent>> byTask = new LinkedHashMap<>();
                    Map<String, Long> ends = new HashMap<>();
                    for (Row row : rows) {
                        String task = row.getString("task_id");
                        List<StreamEvent> events = byTask.computeIfAbsent(task, id -> new ArrayList<>());
                        if (row.getLong("id") != null) {
                            events.add(new StreamEvent(row.getLong("id"), row.getString("type"), row.getString("data")));
                        }
                        ends.put(task, row.getLong("end_id"));
                    }
                    List<StreamEvents> answer = new ArrayList<>(byTask.size());
                    byTask.forEach((task, events) -> answer.add(new StreamEvents(task, events, ends.get(task))));
                    return answer;
                });
    }

    private StreamState read(String state) {
        try {
            return json.readValue(state, StreamState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored stream state is unreadable", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }
}
