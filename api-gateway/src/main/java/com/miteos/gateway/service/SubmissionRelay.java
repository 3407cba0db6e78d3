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
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.time.Duration;
import java.time.Instant;

/**
 * Publishes the accepted tasks whose {@code task.created} the broker never acknowledged: the
 * gateway died between storing a submission and publishing it, or the broker refused the record
 * and the client did not retry. Without it such a task would read {@code pending} for ever.
 *
 * <p>Every {@code relay-interval} it drains: it reads the unpublished submissions older than
 * {@code relay-grace} (a younger one is most likely still being published by its POST), oldest
 * first, {@link #BATCH} at a time, and publishes each page, up to {@link #CONCURRENCY} records at
 * a time, before reading the next one after it; so a backlog left by a broker outage drains at the
 * broker's pace once it is back, not a page per interval. A drain ends at a short page or at the
 * first refusal, as the broker is most likely away then; the next drain starts again from the
 * oldest. Drains never overlap. A task published twice (by its POST and the relay, or by two
 * gateway instances) is harmless: its event id is the same, and consumers deduplicate by task and
 * event id.
 */
@ApplicationScoped
public class SubmissionRelay {

    static final int BATCH = 500;
    static final int CONCURRENCY = 64;

    private final SubmissionOutbox outbox;
    private final SubmissionDelivery delivery;
    private final Duration interval;
    private final Duration grace;
    private Cancellable ticker;

    @Inject
    public SubmissionRelay(SubmissionOutbox outbox, SubmissionDelivery delivery, GatewayConfig config) {
        this(outbox, delivery, config.submissions().relayInterval(), config.submissions().relayGrace());
    }

    SubmissionRelay(SubmissionOutbox outbox, SubmissionDelivery delivery, Duration interval, Duration grace) {
        this.outbox = outbox;
        this.delivery = delivery;
        this.interval = interval;
        this.grace = grace;
    }

    void start(@Observes StartupEvent startup) {
        ticker = Multi.createFrom().ticks().every(interval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> drain())
                .subscribe().with(drained -> { }, failure -> Log.error("submission relay stopped", failure));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (ticker != null) {
            ticker.cancel();
        }
    }

    /** One drain of what is older than the grace now. It never fails: a failure is logged where it happens. */
    Uni<Void> drain() {
        return drainAfter(null, Instant.now().minus(grace));
    }

    private Uni<Void> drainAfter(TaskSubmission after, Instant acceptedBefore) {
        return outbox.findUnpublished(acceptedBefore, after, BATCH)
                .onFailure().invoke(e -> Log.warnf("submission relay: unpublished submissions unreadable: %s",
                        e.toString()))
                .flatMap(page -> Multi.createFrom().iterable(page)
                        .onItem().transformToUni(this::relay).merge(CONCURRENCY)
                        .collect().last()
                        .flatMap(published -> page.size() == BATCH
                                ? drainAfter(page.get(page.size() - 1), acceptedBefore)
                                : Uni.createFrom().voidItem()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> relay(TaskSubmission s) {
        return delivery.deliverUnpublished(s)
                .invoke(() -> log(Logger.Level.INFO, s, "relay: the broker has its task.created"))
                .onFailure().invoke(e -> log(Logger.Level.WARN, s,
                        "the broker did not take the relayed task.created, the next drain retries: " + e));
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
