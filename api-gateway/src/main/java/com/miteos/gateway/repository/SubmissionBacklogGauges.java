package com.miteos.gateway.repository;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway's outbox, {@code task_submissions} whose {@code task.created} the broker has not
 * acknowledged: how many, and how old the oldest is. Every replica reports the same database, so
 * dashboards take the maximum per service, not the sum.
 *
 * <p>A gauge cannot wait for a query, so reading one answers the last sample and starts a new one
 * when that is older than a second: values lag one scrape, and nobody scraping costs no query.
 */
@Startup
@ApplicationScoped
public class SubmissionBacklogGauges {

    private static final long MAX_SAMPLE_AGE_NANOS = 1_000_000_000L;

    private static final String SAMPLE = """
            SELECT count(*) AS backlog,
                   coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
            FROM task_submissions WHERE published_at IS NULL""";

    private final Pool pool;
    private final AtomicBoolean sampling = new AtomicBoolean();
    private volatile long backlog;
    private volatile double oldest;
    private volatile long sampledAt = System.nanoTime() - 2 * MAX_SAMPLE_AGE_NANOS;

    SubmissionBacklogGauges(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        Gauge.builder("miteos.outbox.backlog", this, gauges -> gauges.sample().backlog)
                .description("Outbox rows written and not yet published to Kafka")
                .baseUnit("records").register(registry);
        Gauge.builder("miteos.outbox.oldest.age", this, gauges -> gauges.sample().oldest)
                .description("Age of the oldest outbox row not yet published to Kafka (0 when there is none)")
                .baseUnit("seconds").register(registry);
    }

    private SubmissionBacklogGauges sample() {
        if (System.nanoTime() - sampledAt > MAX_SAMPLE_AGE_NANOS && sampling.compareAndSet(false, true)) {
            pool.query(SAMPLE).execute().subscribe().with(rows -> {
                Row row = rows.iterator().next();
                backlog = row.getLong("backlog");
                oldest = row.getDouble("oldest");
                sampledAt = System.nanoTime();
                sampling.set(false);
            }, failure -> {
                Log.debugf("outbox gauges: sampling failed: %s", failure.toString());
                sampling.set(false);
            });
        }
        return this;
    }
}
