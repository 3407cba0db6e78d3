package com.miteos.gateway.service;

import com.miteos.gateway.messaging.TaskCommandPublisher;
import com.miteos.gateway.repository.TaskSubmission;
import com.miteos.gateway.repository.SubmissionOutbox;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventTypes;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Hands a stored submission's {@code task.created} to the broker and stamps it published once the
 * broker acknowledged it. The submission is written first, so a task the gateway answered for is
 * never lost: whatever is left unpublished (a refused record, a gateway that died in between) is
 * delivered later by {@link SubmissionRelay} or by a retry with the same Idempotency-Key.
 *
 * <p>The event is rebuilt from the submission alone, with an event id derived from the task id,
 * so every delivery of one task publishes the same event, and consumers deduplicate a repeat.
 * Deliveries of one task on this instance share the one in flight (concurrent retries, the relay),
 * and a delivery that finds the submission published by now publishes nothing.
 *
 * <p>The stamps are group-committed ({@link GroupCommit}): the submissions the broker acknowledged
 * while a stamp was being written are stamped together in the next {@code UPDATE}, at most
 * {@link #STAMP_BATCH}, rather than one statement per task.
 */
@ApplicationScoped
public class SubmissionDelivery {

    /** The most submissions one {@code UPDATE} stamps published. */
    static final int STAMP_BATCH = 500;
    private static final String STAMPS = "published_at";

    private final SubmissionOutbox outbox;
    private final TaskCommandPublisher publisher;
    private final ConcurrentMap<String, Uni<Void>> inFlight = new ConcurrentHashMap<>();
    private final GroupCommit<String, Void> stamps = new GroupCommit<>(this::stampAll, STAMP_BATCH);

    public SubmissionDelivery(SubmissionOutbox outbox, TaskCommandPublisher publisher) {
        this.outbox = outbox;
        this.publisher = publisher;
    }

    /** Completes once the broker has the submission's {@code task.created}; fails if it refused it. */
    public Uni<Void> deliver(TaskSubmission s) {
        return share(s, () -> publishUnlessPublished(s));
    }

    /**
     * As {@link #deliver}, without asking the database first, for a submission known to be unpublished a
     * moment ago: one stored just now, or one the relay has just read unpublished. Should another delivery
     * have published it meanwhile, the repeat is harmless (the same event id; consumers deduplicate).
     */
    public Uni<Void> deliverUnpublished(TaskSubmission s) {
        return share(s, () -> publisher.taskCreated(event(s), s.traceparent()).call(() -> markPublished(s)));
    }

    private Uni<Void> share(TaskSubmission s, Supplier<Uni<Void>> delivery) {
        return Uni.createFrom().deferred(() -> inFlight.computeIfAbsent(s.taskId(), id -> delivery.get()
                .onTermination().invoke(() -> inFlight.remove(id))
                .memoize().indefinitely()));
    }

    private Uni<Void> publishUnlessPublished(TaskSubmission s) {
        return outbox.isPublished(s.taskId()).flatMap(published -> published
                ? Uni.createFrom().voidItem()
                : publisher.taskCreated(event(s), s.traceparent()).call(() -> markPublished(s)));
    }

    /** The broker has the record: stamped with the others acknowledged meanwhile, in one statement. */
    private Uni<Void> markPublished(TaskSubmission s) {
        return stamps.admit(STAMPS, s.taskId());
    }

    /** One stamp for many: one that fails only means the relay will publish them once more. */
    private Uni<List<Void>> stampAll(List<String> taskIds) {
        List<Void> done = Collections.nCopies(taskIds.size(), null);
        return outbox.markPublished(taskIds)
                .onFailure().invoke(e -> Log.warnf("%d task(s) published but not marked published (%s, ...): %s",
                        taskIds.size(), taskIds.get(0), e.toString()))
                .onFailure().recoverWithNull()
                .replaceWith(done);
    }

    /** The submission's {@code task.created}, the same at every delivery. */
    private static EventEnvelope<TaskCreated> event(TaskSubmission s) {
        return new EventEnvelope<>(Ids.derivedId(IdPrefix.EVENT, s.taskId(), EventTypes.TASK_CREATED),
                EventTypes.TASK_CREATED, s.taskId(), s.accountId(), Mode.of(s.mode()), 0, s.createdAt(),
                new TaskCreated(s.prompt(), s.config(), s.createdAt()));
    }
}
