package com.miteos.deliverables.inbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SQL for the {@code processed_events} table. Native SQL on purpose: the insert-first
 * {@code ON CONFLICT DO NOTHING} is the deduplication itself (the row count says whether the
 * event is new), and the batched delete by {@code ctid} has no JPQL equivalent.
 */
@ApplicationScoped
public class ProcessedEvents {

    private final Pool pool;

    public ProcessedEvents(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records that {@code consumer} handled {@code eventId}, in the caller's transaction. Answers
     * false when it already had: the caller must then skip the event.
     */
    public Uni<Boolean> record(SqlClient tx, String consumer, String eventId) {
        return tx.preparedQuery("INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(consumer, eventId))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Records that {@code consumer} handled every id of {@code eventIds}, in the caller's
     * transaction and in one statement; answers the ids it had not recorded before (the others
     * must be skipped). The ids are inserted in sorted order, so two transactions recording
     * overlapping batches wait for each other instead of deadlocking.
     */
    public Uni<Set<String>> recordAll(SqlClient tx, String consumer, List<String> eventIds) {
        String[] ids = eventIds.stream().distinct().sorted().toArray(String[]::new);
        return tx.preparedQuery("""
                        INSERT INTO processed_events (consumer, event_id)
                        SELECT $1, id FROM unnest($2::text[]) WITH ORDINALITY AS u(id, n) ORDER BY n
                        ON CONFLICT DO NOTHING RETURNING event_id""")
                .execute(Tuple.of(consumer, ids))
                .map(rows -> {
                    Set<String> recorded = new HashSet<>();
                    rows.forEach(row -> recorded.add(row.getString("event_id")));
                    return recorded;
                });
    }

    /**
     * Forgets at most {@code limit} event ids recorded longer than {@code retention} ago; answers
     * how many it deleted.
     */
    public Uni<Integer> prune(Duration retention, int limit) {
        return pool.preparedQuery("""
                        DELETE FROM processed_events WHERE ctid = ANY(ARRAY(
                            SELECT ctid FROM processed_events
                             WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2))""")
                .execute(Tuple.of(retention.toMillis() / 1000.0, limit))
                .map(rows -> rows.rowCount());
    }
}
