package com.miteos.gateway.service;

import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.gateway.repository.SubmissionOutbox;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.time.Instant;

/**
 * Publishes the accepted tasks whose {@code task.created} the broker never acknowledged: the
 * gateway died between storing a submission and publishing it, or the broker refused the record
 * and the client did not retry. Without it such a task would read {@code pending} for ever.
 *
 * <p>Every {@code relay-interval} it takes the oldest unpublished submissions, at most
 * {@link #BATCH}, that are older than {@code relay-grace} (a younger one is most likely still
 * being published by its POST), and publishes them, up to {@link #CONCURRENCY} at a time, so a
 * backlog left by a broker outage drains in a few passes once the broker is back. The first refusal
 * ends the pass, as the broker is most likely away; the next pass starts again from the oldest. Passes
 * never overlap. A task published twice (by its POST and the relay, or by two gateway instances)
 * is harmless: its event id is the same, and consumers deduplicate by task and event id.
 */
@ApplicationScoped
public class SubmissionRelay {

    private static final int BATCH = 100;
    private static final int CONCURRENCY = 16;

    private final SubmissionOutbox outbox;
    private final SubmissionDelivery delivery;
    private final Duration interval;
    private final Duration grace;
    private Cancellable ticker;

    public SubmissionRelay(SubmissionOutbox outbox, SubmissionDelivery delivery, GatewayConfig config) {
        this.outbox = outbox;
        this.delivery = delivery;
        this.interval = config.submissions().relayInterval();
        this.grace = config.submissions().relayGrace();
    }

    void start(@Observes StartupEvent startup) {
        ticker = Multi.createFrom().ticks().every(interval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> relayPass())
                .subscribe().with(pass -> { }, failure -> Log.error("submission relay stopped", failure));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (ticker != null) {
            ticker.cancel();
        }
    }

    /** One pass. It never fails: a failure is logged where it happens, and the next pass retries. */
    private Uni<Void> relayPass() {
        return outbox.findUnpublished(Instant.now().minus(grace), BATCH)
                .onFailure().invoke(e -> Log.warnf("submission relay: unpublished submissions unreadable: %s",
                        e.toString()))
                .onItem().transformToMulti(unpublished -> Multi.createFrom().iterable(unpublished))
                .onItem().transformToUni(this::relay).merge(CONCURRENCY)
                .collect().last()
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private Uni<Void> relay(TaskSubmission s) {
        return delivery.deliver(s)
                .invoke(() -> log(Logger.Level.INFO, s, "relay: the broker has its task.created"))
                .onFailure().invoke(e -> log(Logger.Level.WARN, s,
                        "the broker did not take the relayed task.created, next pass retries: " + e));
    }

    private static void log(Logger.Level level, TaskSubmission s, String what) {
        MDC.put("task_id", s.taskId());
        MDC.put("account_id", s.accountId());
        try {
            Log.logf(level, "task %s: %s", s.taskId(), what);
        } finally {
            MDC.remove("task_id");
            MDC.remove("account_id");
        }
    }
}
