package com.miteos.deliverables.inbox;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Forgets old event ids: every {@code prune-interval} it deletes the {@code processed_events}
 * rows recorded longer than {@code retention} ago, {@value #BATCH} rows per statement. A pass
 * that fails (PostgreSQL away) is logged and the next tick tries again; it never stops the
 * service.
 *
 * <p>Deleting is safe because the table only saves work: an event that comes again after its id
 * was forgotten still changes nothing, because every projection of this service is idempotent on
 * its own (its projection class says why). Redeliveries come within minutes in practice (the
 * records since the last offset commit when a consumer restarts; outbox rows the orchestrator
 * published but had not marked sent when it stopped, relayed again once it is back), and the
 * default retention of 7 days is far beyond that. A later one (an orchestrator down for longer
 * than the retention, a consumer group whose offsets Kafka expired re-reading from the earliest
 * offset) is absorbed by the projection's own guards.
 */
@ApplicationScoped
public class ProcessedEventsPruner {

    /** Rows deleted per statement, so that no single statement holds locks on millions of rows. */
    static final int BATCH = 10_000;

    private final ProcessedEvents processed;
    private final Duration interval;
    private final Duration retention;
    private final AtomicBoolean pruning = new AtomicBoolean();
    private Cancellable timer;

    public ProcessedEventsPruner(ProcessedEvents processed, ProcessedEventsConfig config) {
        this.processed = processed;
        this.interval = config.pruneInterval();
        this.retention = config.retention();
    }

    void startUp(@Observes StartupEvent startup) {
        timer = Multi.createFrom().ticks().every(interval).subscribe().with(
                tick -> pass(), failure -> Log.error("processed_events pruning timer stopped", failure));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** One timed pass; skipped while the previous one is still deleting. */
    private void pass() {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        // Deferred: even a failure while building the pass ends in the warning below, not in the timer.
        Uni.createFrom().deferred(this::prune).onTermination().invoke(() -> pruning.set(false))
                .subscribe().with(removed -> { }, failure -> Log.warnf(
                        "processed_events: pruning failed, trying again in %s: %s", interval, failure.toString()));
    }

    /** Deletes every row older than the retention, batch after batch; answers how many. */
    public Uni<Long> prune() {
        return pruneFrom(0).invoke(removed -> {
            if (removed > 0) {
                Log.infof("processed_events: removed %d event id(s) older than %s", removed, retention);
            }
        });
    }

    private Uni<Long> pruneFrom(long removed) {
        return processed.prune(retention, BATCH).flatMap(deleted -> deleted < BATCH
                ? Uni.createFrom().item(removed + deleted)
                : pruneFrom(removed + deleted));
    }
}
