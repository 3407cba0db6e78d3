package com.miteos.orchestrator.adapter.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.miteos.model.event.EventJson;
import com.miteos.orchestrator.domain.run.RunState;
import com.miteos.orchestrator.port.warmup.WarmUp;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * Opens the database connections a burst of partition acquisitions needs (one per partition, in
 * parallel), and reads back and parses a few stored tasks the way a claim does, so that the
 * first claim finds the connections open and the decoding code loaded and compiled. Reads only.
 */
@ApplicationScoped
class PostgresWarmUp implements WarmUp {

    /** Connections opened at most: about the partitions one member gets at once. */
    static final int CONNECTIONS = 8;
    private static final int SAMPLE_TASKS = 20;

    private final Pool pool;
    private final ObjectMapper json;
    private final int connections;

    PostgresWarmUp(Pool pool, ObjectMapper json,
            @ConfigProperty(name = "quarkus.datasource.reactive.max-size", defaultValue = "16") int poolSize) {
        this.pool = pool;
        this.json = json;
        this.connections = Math.max(1, Math.min(CONNECTIONS, poolSize / 2));
    }

    @Override
    public String name() {
        return "database (" + connections + " connections, stored tasks parsed)";
    }

    @Override
    public Uni<Void> run() {
        List<Uni<Void>> opened = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            // Held together, so that the pool opens one connection for each instead of reusing one.
            opened.add(pool.withConnection(sql -> sql.query("SELECT pg_sleep(0.05)").execute()).replaceWithVoid());
        }
        return Uni.join().all(opened).andFailFast().chain(this::readSample);
    }

    /** Reads the latest tasks with their checkpoints, and parses them as a claim would. */
    private Uni<Void> readSample() {
        return pool.preparedQuery("SELECT task_id, created_event, state FROM tasks ORDER BY updated_at DESC LIMIT $1")
                .execute(Tuple.of(SAMPLE_TASKS))
                .chain(rows -> {
                    List<String> ids = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getString("task_id"));
                        parse(row);
                    }
                    return pool.preparedQuery("""
                                    SELECT task_id, conversation, step, messages, user_messages_seen, summary
                                    FROM agent_checkpoints WHERE task_id = ANY($1)""")
                            .execute(Tuple.of(ids.toArray(String[]::new)));
                })
                .replaceWithVoid();
    }

    private void parse(Row row) {
        try {
            EventJson.fromJson(row.getString("created_event"));
            String state = row.getString("state");
            if (state != null) {
                json.readValue(state, RunState.class);
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // Not this warm-up's business: the claim reports a task it cannot read.
            Log.debugf("warm-up: task %s not parsed: %s", row.getString("task_id"), e.toString());
        }
    }
}
