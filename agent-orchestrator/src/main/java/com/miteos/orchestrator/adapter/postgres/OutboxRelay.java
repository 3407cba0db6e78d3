package com.miteos.orchestrator.adapter.postgres;

import com.miteos.model.event.Topics;
import com.miteos.orchestrator.application.tracing.TraceParents;
import com.miteos.orchestrator.config.OrchestratorConfig;
import com.miteos.orchestrator.port.journal.EventOutbox;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes outbox rows to Kafka in the order they were written, and marks them sent once the
 * broker acknowledged them (acks=all, idempotent producer). One relay at a time publishes: a
 * transaction-scoped advisory lock keeps the instances of a scaled-out orchestrator from
 * overtaking each other's rows, and an instance waits for it rather than skipping its turn.
 *
 * <p>Delivery is at least once: a crash between the acknowledgement and the commit publishes the
 * rows again, and consumers skip events they have seen (by event id). The relay runs when the
 * journal committed, and on a timer for rows an earlier process left behind.
 */
@ApplicationScoped
public class OutboxRelay implements EventOutbox {

    /** The advisory lock only the relay takes ("MITEOS" in ASCII). */
    static final long RELAY_LOCK = 0x4d4954454f53L;
    /** The longest a relay waits for another instance's batch; past it, the timer tries again. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(10);

    private final Pool pool;
    private final MutinyEmitter<String> status;
    private final MutinyEmitter<String> deliverables;
    private final int batchSize;
    private final AtomicBoolean relaying = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();

    public OutboxRelay(Pool pool,
            @Channel("task-status") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<String> status,
            @Channel("task-deliverable") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<String> deliverables,
            OrchestratorConfig config) {
        this.pool = pool;
        this.status = status;
        this.deliverables = deliverables;
        this.batchSize = config.outbox().batchSize();
    }

    @Override
    public void wake() {
        wanted.set(true);
        if (!relaying.compareAndSet(false, true)) {
            return;
        }
        wanted.set(false);
        relayBatch().subscribe().with(
                sent -> {
                    relaying.set(false);
                    if (sent == batchSize || wanted.get()) {
                        wake();
                    }
                },
                failure -> {
                    relaying.set(false);
                    Log.warnf("outbox: publishing failed, the rows stay for the next pass: %s", failure.toString());
                });
    }

    @Override
    public Uni<Long> newest() {
        return pool.query("SELECT coalesce(max(id), 0) AS newest FROM outbox").execute()
                .map(rows -> rows.iterator().next().getLong("newest"));
    }

    @Override
    public Uni<Boolean> publishedUpTo(long position) {
        return pool.preparedQuery("SELECT NOT EXISTS (SELECT 1 FROM outbox WHERE sent_at IS NULL AND id <= $1) AS done")
                .execute(Tuple.of(position))
                .map(rows -> rows.iterator().next().getBoolean("done"));
    }

    /**
     * Publishes one batch; answers how many rows were sent. An instance whose relay finds another
     * publishing waits for it (at most {@link #LOCK_WAIT}) rather than giving up: the other's batch
     * was read before this instance's rows were committed, so giving up would leave them for the
     * next timer tick, up to a poll interval late.
     */
    Uni<Integer> relayBatch() {
        return pool.withTransaction(sql -> sql.query("SET LOCAL lock_timeout = '" + LOCK_WAIT.toMillis() + "ms'")
                .execute()
                .chain(() -> sql.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(RELAY_LOCK)))
                .chain(() -> publishWaiting(sql)));
    }

    private Uni<Integer> publishWaiting(SqlClient sql) {
        return sql.preparedQuery("""
                        SELECT id, topic, record_key, payload, traceparent FROM outbox
                        WHERE sent_at IS NULL ORDER BY id LIMIT $1""")
                .execute(Tuple.of(batchSize))
                .flatMap(rows -> {
                    if (rows.rowCount() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Long> ids = new ArrayList<>();
                    List<Uni<Void>> sends = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getLong("id"));
                        sends.add(send(row.getString("topic"), row.getString("record_key"), row.getString("payload"),
                                row.getString("traceparent")));
                    }
                    // Handed to the producer in id order, which it keeps per partition.
                    return Uni.join().all(sends).andFailFast()
                            .chain(() -> sql.preparedQuery("UPDATE outbox SET sent_at = now() WHERE id = ANY($1)")
                                    .execute(Tuple.of(ids.toArray(Long[]::new))))
                            .replaceWith(ids.size());
                });
    }

    /**
     * {@code traceparent}: the task's trace; the connector's producer span (and the record's
     * {@code traceparent} header) continue it, not whatever context the relay runs in.
     */
    private Uni<Void> send(String topic, String key, String payload, String traceparent) {
        MutinyEmitter<String> emitter = Topics.TASK_DELIVERABLE.equals(topic) ? deliverables : status;
        Message<String> message = Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
        if (traceparent != null) {
            message = message.addMetadata(TracingMetadata.withCurrent(TraceParents.parse(traceparent)));
        }
        return emitter.sendMessage(message);
    }

    @Override
    public Uni<Integer> prune(Duration retention) {
        return pool.preparedQuery("DELETE FROM outbox WHERE sent_at < now() - make_interval(secs => $1)")
                .execute(Tuple.of(retention.toMillis() / 1000.0))
                .map(rows -> rows.rowCount());
    }
}
