package com.miteos.tasks.service;

import com.miteos.tasks.config.WebhookConfig;
import com.miteos.tasks.repository.WebhookDeliveries;
import com.miteos.tasks.repository.WebhookDeliveries.Claimed;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends due webhook deliveries, in every replica of task-service at once. Every poll it claims
 * what it has room for ({@code FOR UPDATE SKIP LOCKED}, so replicas never claim the same row) under
 * a lease, and sends them concurrently, at most {@code max-in-flight} in all and
 * {@code per-endpoint-concurrency} per endpoint: a slow or dead endpoint holds only its own slots
 * (an endpoint at its limit is left out of the next claim), so other accounts' deliveries go on,
 * and the projection of tasks never waits for any of this. A replica that dies mid-send leaves its
 * claims to expire; they are claimed again, never lost (a receiver may then see a delivery twice,
 * with the same webhook-id: at least once).
 */
@ApplicationScoped
public class WebhookDeliveryWorker {

    private final WebhookDeliveries deliveries;
    private final WebhookSender sender;
    private final WebhookOutcomes outcomes;
    private final WebhookConfig config;
    private final String worker = "worker-" + UUID.randomUUID();
    private final Map<String, AtomicInteger> inFlightByEndpoint = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean polling = new AtomicBoolean();
    private Cancellable timer;

    public WebhookDeliveryWorker(WebhookDeliveries deliveries, WebhookSender sender, WebhookOutcomes outcomes,
            WebhookConfig config) {
        this.deliveries = deliveries;
        this.sender = sender;
        this.outcomes = outcomes;
        this.config = config;
    }

    void startUp(@Observes StartupEvent startup) {
        Duration every = config.pollInterval();
        timer = Multi.createFrom().ticks().every(every).onOverflow().drop().subscribe().with(
                tick -> poll(), failure -> Log.error("webhook delivery timer stopped", failure));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** This worker's id, as {@code claimed_by} records it. */
    public String id() {
        return worker;
    }

    /** One poll: claims what there is room for and starts sending it; skipped while the last claim runs. */
    void poll() {
        int room = config.maxInFlight() - inFlight.get();
        if (room <= 0 || !polling.compareAndSet(false, true)) {
            return;
        }
        Set<String> busy = new HashSet<>();
        inFlightByEndpoint.forEach((endpoint, count) -> {
            if (count.get() >= config.perEndpointConcurrency()) {
                busy.add(endpoint);
            }
        });
        Uni.createFrom().deferred(() -> deliveries.claim(worker, room, config.perEndpointConcurrency(), busy,
                        config.lease()))
                .onTermination().invoke(() -> polling.set(false))
                .subscribe().with(this::start, failure -> Log.warnf(
                        "webhooks: claiming deliveries failed, trying again in %s: %s", config.pollInterval(),
                        failure.toString()));
    }

    private void start(List<Claimed> claimed) {
        for (Claimed delivery : claimed) {
            AtomicInteger endpoint = inFlightByEndpoint.computeIfAbsent(delivery.endpointId(), id -> new AtomicInteger());
            endpoint.incrementAndGet();
            inFlight.incrementAndGet();
            Uni.createFrom().completionStage(() -> sender.send(delivery))
                    .flatMap(attempt -> outcomes.record(delivery, worker, attempt))
                    .onTermination().invoke(() -> {
                        // Counters stay in the map (one per endpoint ever sent to): removing one at zero
                        // would race with a delivery starting for the same endpoint.
                        inFlight.decrementAndGet();
                        endpoint.decrementAndGet();
                    })
                    .subscribe().with(done -> { }, failure -> Log.warnf(
                            "webhooks: recording delivery %s failed; it is sent again once its lease ends: %s",
                            delivery.id(), failure.toString()));
        }
    }
}
