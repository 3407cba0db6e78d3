package com.miteos.orchestrator.adapter.postgres;

import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.port.journal.InstanceRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * This orchestrator instance among its peers: its name (the owner of the tasks it runs) and its
 * heartbeat. An instance that stops heartbeating for longer than the owner timeout is taken
 * for dead, and its unfinished tasks are resumed by another (or by itself, restarted).
 */
@ApplicationScoped
public class PostgresInstanceRegistry implements InstanceRegistry {

    private final Pool pool;
    private final String id;

    public PostgresInstanceRegistry(Pool pool, OrchestratorConfig config) {
        this.pool = pool;
        this.id = config.recovery().instanceId().filter(name -> !name.isBlank()).orElseGet(PostgresInstanceRegistry::hostName);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Uni<Void> heartbeat() {
        return pool.preparedQuery("""
                        INSERT INTO instances (instance_id) VALUES ($1)
                        ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now()""")
                .execute(Tuple.of(id)).replaceWithVoid();
    }

    /** Leaves the registry on shutdown: this instance's tasks may be taken over at once. */
    @Override
    public Uni<Void> leave() {
        return pool.preparedQuery("DELETE FROM instances WHERE instance_id = $1").execute(Tuple.of(id))
                .replaceWithVoid();
    }

    /** Which of the tasks running here have a cancel recorded (by whichever instance read it). */
    @Override
    public Uni<List<String>> cancelledHere(Set<String> running) {
        if (running.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("SELECT task_id FROM tasks WHERE task_id = ANY($1) AND cancel_requested AND "
                        + PostgresTaskStore.UNFINISHED)
                .execute(Tuple.of(running.toArray(String[]::new)))
                .map(rows -> {
                    List<String> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getString("task_id")));
                    return ids;
                });
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "orchestrator";
        }
    }
}
