package com.miteos.gateway.service;

import com.miteos.gateway.client.TaskReadModel;
import com.miteos.gateway.config.GatewayConfig;
import com.miteos.gateway.repository.SubmissionOutbox;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;

/**
 * Marks accepted submissions projected once task-service's read model shows their task, many at a
 * time: every {@code projection-check-interval} it takes the oldest published submissions not yet
 * marked (at most {@link #BATCH}), asks the read model which of them it shows (one call) and marks
 * those (one statement). From then on the active-task cap ({@link ActiveTaskLimit}) counts them in
 * the read model rather than as submissions, and a list no longer adds them
 * ({@link AcceptedTasksInList}); until then both count them, which errs by refusing early for that
 * moment. A POST therefore never waits for the read model.
 *
 * <p>Passes never overlap; a failed pass is logged and the next one retries. Every gateway replica
 * runs one over all submissions; marking twice changes nothing.
 */
@ApplicationScoped
public class ProjectionMarker {

    /** The most ids one pass asks about (task-service's limit for one call). */
    static final int BATCH = 1_000;

    private final SubmissionOutbox outbox;
    private final TaskReadModel readModel;
    private final Duration interval;
    private Cancellable ticker;

    public ProjectionMarker(SubmissionOutbox outbox, TaskReadModel readModel, GatewayConfig config) {
        this.outbox = outbox;
        this.readModel = readModel;
        this.interval = config.submissions().projectionCheckInterval();
    }

    void start(@Observes StartupEvent startup) {
        ticker = Multi.createFrom().ticks().every(interval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> pass())
                .subscribe().with(pass -> { }, failure -> Log.error("projection marker stopped", failure));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (ticker != null) {
            ticker.cancel();
        }
    }

    /** One pass (the timer runs them; tests may too). It never fails: a failure is logged, and the next pass retries. */
    public Uni<Void> pass() {
        return Uni.createFrom().deferred(() -> outbox.findPublishedUnprojected(BATCH))
                .flatMap(ids -> ids.isEmpty() ? Uni.createFrom().voidItem()
                        : readModel.shown(ids).flatMap(shown -> shown.isEmpty() ? Uni.createFrom().voidItem()
                                : outbox.markProjected(shown)))
                .onFailure().invoke(e -> Log.warnf("projection marker: not checked, next pass retries: %s",
                        e.toString()))
                .onFailure().recoverWithNull();
    }
}
