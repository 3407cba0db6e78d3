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
 * inbox's) transaction, for all tasks of a batch at once; {@link #after} reads many tasks' streams
 * in one statement.
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
     * What a batch adds to one task's stream: {@code events} numbered from {@code firstId}, the
     * stream's new position (when {@code advanced}), whether held events it covers must be
     * forgotten, and the events it newly holds back.
     */
    public record Extension(String taskId, long firstId, List<DerivedEvent> events, Position after, boolean advanced,
            boolean coversHeld, List<EventEnvelope<? extends EventPayload>> held) {
    }

    /**
     * Locks the stream rows of {@code taskIds} (creating them: nothing applied yet) until the
     * transaction ends, in one statement and in the order given (callers sort them, so that two
     * transactions never wait for each other crosswise), so the status and the deliverable
     * consumer extend one task's stream one after the other.
     */
    public Uni<Map<String, Position>> lock(SqlClient tx, List<String> taskIds) {
        return tx.preparedQuery("""
                        INSERT INTO task_stream (task_id, applied_sequence, last_event_id)
                        SELECT id, -1, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n) ORDER BY n
                        ON CONFLICT (task_id) DO UPDATE SET task_id = EXCLUDED.task_id
                        RETURNING task_id, applied_sequence, last_event_id, state::text AS state""")
                .execute(Tuple.of(taskIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Position> positions = new HashMap<>();
                    for (Row row : rows) {
                        String state = row.getString("state");
                        positions.put(row.getString("task_id"), new Position(row.getLong("applied_sequence"),
                                row.getLong("last_event_id"), state == null ? null : read(state)));
                    }
                    return positions;
                });
    }

    /** The held events of {@code taskIds}, per task in sequence order. */
    public Uni<Map<String, List<EventEnvelope<EventPayload>>>> held(SqlClient tx, List<String> taskIds) {
        return tx.preparedQuery("""
                        SELECT task_id, envelope::text AS envelope FROM task_stream_source
                         WHERE task_id = ANY($1) ORDER BY task_id, sequence""")
                .execute(Tuple.of(taskIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, List<EventEnvelope<EventPayload>>> held = new HashMap<>();
                    rows.forEach(row -> held.computeIfAbsent(row.getString("task_id"), id -> new ArrayList<>())
                            .add(EventJson.fromJson(row.getString("envelope"))));
                    return held;
                });
    }

    /**
     * Writes what a batch adds to its tasks' streams: the new events, the new positions, the held
     * events now covered (deleted) and those newly held back (a repeat changes nothing), each kind
     * in one statement over arrays ({@link Columns}).
     */
    public Uni<Void> write(SqlClient tx, List<Extension> extensions) {
        Columns events = new Columns(4);
        Columns positions = new Columns(4);
        Columns covered = new Columns(2);
        Columns held = new Columns(3);
        for (Extension extension : extensions) {
            String task = extension.taskId();
            for (int i = 0; i < extension.events().size(); i++) {
                DerivedEvent event = extension.events().get(i);
                events.add(task, extension.firstId() + i, event.type(), write(event.data()));
            }
            Position after = extension.after();
            if (extension.advanced()) {
                positions.add(task, after.appliedSequence(), after.lastEventId(), write(after.state()));
            }
            if (extension.coversHeld()) {
                covered.add(task, after.appliedSequence());
            }
            extension.held().forEach(envelope -> held.add(task, envelope.sequence(), EventJson.toJson(envelope)));
        }
        return events.execute(tx, """
                        INSERT INTO task_event (task_id, id, type, data)
                        SELECT task_id, id, type, data::jsonb
                          FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(task_id, id, type, data)""",
                        String[]::new, Long[]::new, String[]::new, String[]::new)
                .chain(() -> positions.execute(tx, """
                        UPDATE task_stream s SET applied_sequence = u.applied, last_event_id = u.last_id,
                                                 state = u.state::jsonb
                          FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[]) AS u(task_id, applied, last_id, state)
                         WHERE s.task_id = u.task_id""", String[]::new, Long[]::new, Long[]::new, String[]::new))
                .chain(() -> covered.execute(tx, """
                        DELETE FROM task_stream_source s USING unnest($1::text[], $2::bigint[]) AS u(task_id, upto)
                         WHERE s.task_id = u.task_id AND s.sequence <= u.upto""", String[]::new, Long[]::new))
                .chain(() -> held.execute(tx, """
                        INSERT INTO task_stream_source (task_id, sequence, envelope)
                        SELECT task_id, sequence, envelope::jsonb
                          FROM unnest($1::text[], $2::bigint[], $3::text[]) AS u(task_id, sequence, envelope)
                        ON CONFLICT DO NOTHING""", String[]::new, Long[]::new, String[]::new));
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
