package com.miteos.orchestrator.adapter.postgres;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * What the orchestrator's database holds that nobody has finished with: outbox rows not yet
 * published (and how old the oldest is), unfinished tasks, and the longest any unfinished task
 * that is not paused has gone without a recorded change (a stuck task). Every replica reports the
 * same database, so dashboards take the maximum per service, not the sum.
 *
 * <p>A gauge cannot wait for a query, so reading one answers the last sample and starts a new one
 * when that is older than {@link #MAX_SAMPLE_AGE_NANOS}: values lag one scrape, and nobody
 * scraping costs no query.
 */
@Startup
@ApplicationScoped
public class BacklogGauges {

    static final long MAX_SAMPLE_AGE_NANOS = 1_000_000_000L;

    private static final String SAMPLE = """
            SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL) AS outbox_rows,
                   coalesce(extract(epoch FROM now() - (SELECT created_at FROM outbox WHERE sent_at IS NULL
                                                        ORDER BY id LIMIT 1)), 0)::float8 AS outbox_age,
                   (SELECT count(*) FROM tasks WHERE status NOT IN ('complete', 'failed', 'cancelled')) AS unfinished,
                   coalesce(extract(epoch FROM now() - (SELECT min(updated_at) FROM tasks
                            WHERE status NOT IN ('complete', 'failed', 'cancelled', 'paused'))), 0)::float8 AS idle""";

    private record Sample(long outboxRows, double outboxAge, long unfinished, double idle) {
    }

    private final Pool pool;
    private final AtomicBoolean sampling = new AtomicBoolean();
    private volatile Sample last = new Sample(0, 0, 0, 0);
    private volatile long sampledAt = System.nanoTime() - 2 * MAX_SAMPLE_AGE_NANOS;

    BacklogGauges(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        gauge(registry, "miteos.outbox.backlog", "records", "Outbox rows written and not yet published to Kafka",
                s -> s.outboxRows);
        gauge(registry, "miteos.outbox.oldest.age", "seconds",
                "Age of the oldest outbox row not yet published to Kafka (0 when there is none)", s -> s.outboxAge);
        gauge(registry, "miteos.tasks.unfinished", null,
                "Tasks the orchestrators hold that are not complete, failed or cancelled (paused ones included)",
                s -> s.unfinished);
        gauge(registry, "miteos.tasks.idle.max", "seconds",
                "Longest time an unfinished, unpaused task has gone without a recorded change", s -> s.idle);
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
            ToDoubleFunction<Sample> value) {
        Gauge.builder(name, this, gauges -> value.applyAsDouble(gauges.current()))
                .description(description).baseUnit(unit).register(registry);
    }

    private Sample current() {
        if (System.nanoTime() - sampledAt > MAX_SAMPLE_AGE_NANOS && sampling.compareAndSet(false, true)) {
            pool.query(SAMPLE).execute().subscribe().with(rows -> {
                Row row = rows.iterator().next();
                last = new Sample(row.getLong("outbox_rows"), row.getDouble("outbox_age"), row.getLong("unfinished"),
                        row.getDouble("idle"));
                sampledAt = System.nanoTime();
                sampling.set(false);
            }, failure -> {
                Log.debugf("backlog gauges: sampling failed: %s", failure.toString());
                sampling.set(false);
            });
        }
        return last;
    }
}
