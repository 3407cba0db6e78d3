package com.miteos.tasks.service;

import com.miteos.tasks.config.WebhookConfig;
import com.miteos.tasks.domain.RetrySchedule;
import com.miteos.tasks.metrics.WebhookMetrics;
import com.miteos.tasks.metrics.WebhookMetrics.Outcome;
import com.miteos.tasks.repository.WebhookDeliveries;
import com.miteos.tasks.repository.WebhookDeliveries.Claimed;
import com.miteos.tasks.repository.WebhookEndpoints;
import com.miteos.tasks.service.WebhookSender.Attempt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What an attempt means for its delivery and its endpoint: 2xx is delivered (and the endpoint
 * healthy again); 410 Gone fails the delivery and disables the endpoint; anything else is tried
 * again on the {@link RetrySchedule} until it is used up, and an endpoint that has failed without
 * a single success for {@code disable-after} is disabled, with a reason its owner can read.
 */
@ApplicationScoped
public class WebhookOutcomes {

    private static final String RESUME = "POST /v1/webhooks/{id}/enable resumes them.";

    private final WebhookDeliveries deliveries;
    private final WebhookEndpoints endpoints;
    private final WebhookMetrics metrics;
    private final RetrySchedule schedule;
    private final Duration disableAfter;

    public WebhookOutcomes(WebhookDeliveries deliveries, WebhookEndpoints endpoints, WebhookMetrics metrics,
            WebhookConfig config) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.schedule = RetrySchedule.parse(config.retrySchedule());
        this.disableAfter = config.disableAfter();
    }

    public Uni<Void> record(Claimed delivery, String worker, Attempt attempt) {
        if (attempt.delivered()) {
            return deliveries.record(delivery.id(), worker, attempt.statusCode(), null, true, null)
                    .flatMap(held -> held ? endpoints.succeeded(delivery.endpointId()).invoke(
                            () -> metrics.attempt(Outcome.DELIVERED)) : superseded());
        }
        if (attempt.statusCode() != null && attempt.statusCode() == 410) {
            return deliveries.record(delivery.id(), worker, 410, "the endpoint answered 410 Gone", false, null)
                    .flatMap(held -> held ? endpoints.disable(delivery.endpointId(), "The endpoint answered 410 Gone "
                            + "at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "; deliveries stopped. " + RESUME)
                            .invoke(() -> {
                                metrics.attempt(Outcome.GONE);
                                metrics.endpointDisabled("gone");
                            }) : superseded());
        }
        String error = attempt.error() != null ? attempt.error() : "the endpoint answered HTTP " + attempt.statusCode();
        Duration retryIn = schedule.after(delivery.attempts() + 1, ThreadLocalRandom.current()).orElse(null);
        return deliveries.record(delivery.id(), worker, attempt.statusCode(), error, false, retryIn)
                .flatMap(held -> {
                    if (!held) {
                        return superseded();
                    }
                    metrics.attempt(retryIn == null ? Outcome.FAILED : Outcome.RETRY);
                    return endpoints.failed(delivery.endpointId()).flatMap(since -> failingTooLong(since)
                            ? endpoints.disable(delivery.endpointId(), "Deliveries have failed without a success "
                                    + "since " + since.truncatedTo(ChronoUnit.SECONDS) + " (last: " + error
                                    + "); deliveries stopped. " + RESUME)
                                    .invoke(() -> metrics.endpointDisabled("failing"))
                            : Uni.createFrom().voidItem());
                });
    }

    private boolean failingTooLong(Instant since) {
        return !since.plus(disableAfter).isAfter(Instant.now());
    }

    private Uni<Void> superseded() {
        metrics.attempt(Outcome.SUPERSEDED);
        return Uni.createFrom().voidItem();
    }
}
