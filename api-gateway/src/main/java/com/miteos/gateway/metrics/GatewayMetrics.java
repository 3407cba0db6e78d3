package com.miteos.gateway.metrics;

import com.miteos.model.task.Mode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The gateway's domain metrics (README, "Observability"): tasks accepted, and requests refused by
 * a limit. Tags are the mode and which limit, never a key, account or task id. The outbox gauges
 * are {@link com.miteos.gateway.repository.SubmissionBacklogGauges}; HTTP request metrics come
 * from Quarkus ({@code http_server_requests_seconds}).
 */
@ApplicationScoped
public class GatewayMetrics {

    /** The per-key request rate limit (MITEOS_RATE_LIMIT_RPS / _BURST). */
    public static final String REQUEST_RATE = "request_rate";
    /** The cap on unfinished tasks per account and mode (MITEOS_MAX_ACTIVE_TASKS). */
    public static final String ACTIVE_TASKS = "active_tasks";

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A new task was stored (a replay of an Idempotency-Key is not a new task). */
    public void accepted(Mode mode) {
        Counter.builder("miteos.tasks.accepted")
                .description("Tasks accepted by POST /v1/tasks (stored, answered 201); replays not counted")
                .tags("mode", mode.value())
                .register(registry).increment();
    }

    /** A request was answered 429 by one of the limits. */
    public void rejected(Mode mode, String limit) {
        Counter.builder("miteos.rate.limit.rejections")
                .description("Requests answered 429, by mode and limit (request_rate: per-key rate limit; "
                        + "active_tasks: the cap on unfinished tasks)")
                .tags("mode", mode.value(), "limit", limit)
                .register(registry).increment();
    }
}
