package com.miteos.tasks.repository;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Folds {@code task_count_deltas} (V7: +1 and -1 rows a trigger appends as tasks start and finish)
 * into one row per owner, every {@code miteos.unfinished-count.compaction-interval}, so that an
 * owner's count ({@link TaskReadRepository#countActive}) sums a handful of rows.
 *
 * <p>One statement (and so one transaction): it deletes the rows its snapshot sees and inserts their sums per owner, so a
 * concurrent reader sees either the rows or their sum, and a row a trigger appends meanwhile is not
 * in the snapshot and stays. Replicas take turns through a transaction-scoped advisory lock; one
 * that does not get it does nothing this time (two deleting the same rows in different orders could
 * deadlock). A pass that fails is logged and the next one tries again.
 */
@ApplicationScoped
public class UnfinishedCountCompaction {

    private static final String COMPACT = """
            WITH turn AS (SELECT pg_try_advisory_xact_lock(hashtextextended('task_count_deltas', 0)) AS mine),
                 folded AS (DELETE FROM task_count_deltas WHERE (SELECT mine FROM turn)
                            RETURNING account_id, mode, delta)
            INSERT INTO task_count_deltas (account_id, mode, delta)
            SELECT account_id, mode, sum(delta) FROM folded GROUP BY account_id, mode HAVING sum(delta) <> 0""";

    private final Pool pool;
    private final Duration interval;
    private final AtomicBoolean compacting = new AtomicBoolean();
    private Cancellable timer;

    public UnfinishedCountCompaction(Pool pool,
            @ConfigProperty(name = "miteos.unfinished-count.compaction-interval") Duration interval) {
        this.pool = pool;
        this.interval = interval;
    }

    void startUp(@Observes StartupEvent startup) {
        timer = Multi.createFrom().ticks().every(interval).subscribe().with(
                tick -> pass(), failure -> Log.error("task_count_deltas compaction timer stopped", failure));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** One timed pass; skipped while the previous one is still running. */
    private void pass() {
        if (!compacting.compareAndSet(false, true)) {
            return;
        }
        Uni.createFrom().deferred(this::compact).onTermination().invoke(() -> compacting.set(false))
                .subscribe().with(owners -> { }, failure -> Log.warnf(
                        "task_count_deltas: compaction failed, trying again in %s: %s", interval, failure.toString()));
    }

    /** Folds every owner's rows into one; answers how many owners have a nonzero count now. */
    public Uni<Integer> compact() {
        return pool.preparedQuery(COMPACT).execute().map(rows -> rows.rowCount());
    }
}
