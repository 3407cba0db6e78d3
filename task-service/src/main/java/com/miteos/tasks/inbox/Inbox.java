package com.miteos.tasks.inbox;

import com.miteos.model.event.EventEnvelope;
import com.miteos.tasks.metrics.ConsumerMetrics;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.sqlclient.DatabaseException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Receives events exactly once: {@link #once} records the event id and runs the projection in one
 * transaction ({@link #onceAll}: the ids of a whole batch, in one transaction), and
 * {@link #untilCommitted} retries a delivery until that transaction commits.
 */
@ApplicationScoped
public class Inbox {

    static final Duration RETRY_FIRST = Duration.ofMillis(200);
    static final Duration RETRY_MAX = Duration.ofSeconds(10);

    private final Pool pool;
    private final ProcessedEvents processed;
    private final ConsumerMetrics metrics;

    public Inbox(Pool pool, ProcessedEvents processed, ConsumerMetrics metrics) {
        this.pool = pool;
        this.processed = processed;
        this.metrics = metrics;
    }

    /**
     * Runs {@code projection} in a transaction that first records the event id for
     * {@code consumer}; a redelivered event finds its id and is skipped. When the projection
     * fails, the id is rolled back with it, so the next delivery projects the event again.
     */
    public Uni<Void> once(String consumer, EventEnvelope<?> envelope, Function<SqlClient, Uni<Void>> projection) {
        AtomicBoolean applied = new AtomicBoolean();
        return pool.withTransaction(tx -> processed.record(tx, consumer, envelope.eventId()).flatMap(isNew -> {
            applied.set(isNew);
            if (!isNew) {
                Log.debugf("task %s: event %s already applied", envelope.taskId(), envelope.eventId());
                return Uni.createFrom().voidItem();
            }
            return projection.apply(tx);
        })).invoke(() -> metrics.projected(envelope.type(), applied.get()));
    }

    /**
     * The batch form of {@link #once}: one transaction records the ids of all {@code envelopes} in
     * one statement and runs {@code projection} with those not applied before, in their order (an
     * id that comes twice in the batch counts once, the first time). When the projection fails, no
     * id is recorded, so every event of the batch is projected again on the next delivery.
     */
    public <E extends EventEnvelope<?>> Uni<Void> onceAll(String consumer, List<E> envelopes,
            BiFunction<SqlClient, List<E>, Uni<Void>> projection) {
        List<String> ids = envelopes.stream().map(EventEnvelope::eventId).toList();
        List<Boolean> applied = new ArrayList<>();
        return pool.withTransaction(tx -> processed.recordAll(tx, consumer, ids).flatMap(recorded -> {
            List<E> fresh = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            applied.clear();
            for (E envelope : envelopes) {
                boolean isNew = seen.add(envelope.eventId()) && recorded.contains(envelope.eventId());
                applied.add(isNew);
                if (isNew) {
                    fresh.add(envelope);
                }
            }
            return fresh.isEmpty() ? Uni.createFrom().voidItem() : projection.apply(tx, fresh);
        })).invoke(() -> {
            for (int i = 0; i < envelopes.size(); i++) {
                metrics.projected(envelopes.get(i).type(), applied.get(i));
            }
        });
    }

    /**
     * The consumer's error handling for one record: {@code delivery} (lazy, so every retry runs
     * it anew) is retried with back-off until it commits, and only then is the offset committed.
     * Data the database refuses (SQLSTATE class 22) fails at once, and the record goes to the
     * dead-letter topic: retrying cannot help it. Anything else (the database is down, say) is
     * retried in place: skipping it would lose the event.
     */
    public Uni<Void> untilCommitted(EventEnvelope<?> envelope, Uni<Void> delivery) {
        return delivery
                .onFailure(e -> !isRefusedData(e)).invoke(e -> Log.warnf("task %s: projecting %s failed, retrying: %s",
                        envelope.taskId(), envelope.eventId(), e.toString()))
                .onFailure(e -> !isRefusedData(e)).retry().withBackOff(RETRY_FIRST, RETRY_MAX).indefinitely();
    }

    static boolean isRefusedData(Throwable e) {
        return e instanceof DatabaseException db && db.getSqlState() != null && db.getSqlState().startsWith("22");
    }
}
