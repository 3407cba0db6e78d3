package com.miteos.tasks.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The read model's domain metrics (README, "Observability"): events projected or skipped as
 * duplicates, by event type, batches projected, by how, and records sent to the dead-letter topic,
 * by reason. Consumer lag
 * comes from the Kafka client metrics (Quarkus' Kafka binder: {@code kafka_consumer_*}).
 */
@ApplicationScoped
public class ConsumerMetrics {

    /** This service's consumer group, as the metrics name it. */
    public static final String GROUP = "task-service";

    private final MeterRegistry registry;

    public ConsumerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** An event's transaction committed: it was applied, or it had been already (a redelivery). */
    public void projected(String eventType, boolean applied) {
        Counter.builder("miteos.events.projected")
                .description("Events read into the read model, by type and outcome (applied; duplicate: "
                        + "seen before, skipped)")
                .tags("group", GROUP, "type", eventType, "outcome", applied ? "applied" : "duplicate")
                .register(registry).increment();
    }

    /**
     * A batch of records was projected: in one transaction ({@code committed}), or, after that
     * failed, one record per transaction ({@code one_by_one}).
     */
    public void batch(String outcome) {
        Counter.builder("miteos.projection.batches")
                .description("Batches of records projected: in one transaction (committed) or, after that failed, "
                        + "one record per transaction (one_by_one)")
                .tags("group", GROUP, "outcome", outcome)
                .register(registry).increment();
    }

    /** A record went to the dead-letter topic: not a well-formed event, or data the database refused. */
    public void deadLettered(String reason) {
        Counter.builder("miteos.dlq.records")
                .description("Records a consumer could not process and sent to the dead-letter topic task.dlq")
                .baseUnit("records")
                .tags("group", GROUP, "reason", reason)
                .register(registry).increment();
    }
}
