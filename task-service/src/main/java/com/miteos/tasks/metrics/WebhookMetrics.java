package com.miteos.tasks.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Webhook delivery metrics (README, "Webhooks"): attempts by outcome and endpoints disabled by
 * reason. Tags are fixed small sets; endpoint and account ids never become tags. Created at start-up,
 * so every series exists (at 0) before the first delivery, as the catalog promises.
 */
@Startup
@ApplicationScoped
public class WebhookMetrics {

    /** What became of one attempt. */
    public enum Outcome {
        /** 2xx: delivered. */
        DELIVERED,
        /** Failed, another attempt is scheduled. */
        RETRY,
        /** Failed, and the schedule is used up. */
        FAILED,
        /** 410 Gone: the endpoint was disabled. */
        GONE,
        /** Another worker took the delivery over (this worker's lease ran out); nothing was recorded. */
        SUPERSEDED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeterRegistry registry;

    private static final List<String> DISABLE_REASONS = List.of("gone", "failing");

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Outcome outcome : Outcome.values()) {
            attempts(outcome);
        }
        DISABLE_REASONS.forEach(this::disabled);
    }

    public void attempt(Outcome outcome) {
        attempts(outcome).increment();
    }

    /** An endpoint was disabled: {@code gone} (it answered 410) or {@code failing} (failing for too long). */
    public void endpointDisabled(String reason) {
        disabled(reason).increment();
    }

    private Counter attempts(Outcome outcome) {
        return Counter.builder("miteos.webhook.deliveries")
                .description("Webhook delivery attempts, by outcome (delivered, retry, failed, gone, superseded)")
                .tags("outcome", outcome.tag())
                .register(registry);
    }

    private Counter disabled(String reason) {
        return Counter.builder("miteos.webhook.endpoints.disabled")
                .description("Webhook endpoints disabled, by reason (gone: answered 410; failing: failed too long)")
                .tags("reason", reason)
                .register(registry);
    }
}
