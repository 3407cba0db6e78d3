package com.miteos.tasks.messaging;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.tasks.inbox.Inbox;
import com.miteos.tasks.metrics.ConsumerMetrics;
import com.miteos.tasks.service.TaskProjection;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code task.created}, {@code task.status} and {@code task.deliverable} in batches (at most
 * {@code max.poll.records} records, application.properties) and projects each batch in one
 * transaction; only after it commits are the batch's offsets committed.
 *
 * <p>A record that is not a well-formed event goes to the dead-letter topic on its own, and the
 * rest of the batch is projected. When the batch's transaction fails, its records are projected
 * again one by one, each in its own transaction, as they were before batching: the {@link Inbox}
 * retries a record until it commits, except data the database refuses, which goes to the
 * dead-letter topic. So a poison record costs one batch a second try, and never stops the others.
 */
public class TaskEventConsumer {

    private final TaskProjection projection;
    private final Inbox inbox;
    private final ConsumerMetrics metrics;
    private final ProjectionSpans spans;

    public TaskEventConsumer(TaskProjection projection, Inbox inbox, ConsumerMetrics metrics,
            ProjectionSpans spans) {
        this.spans = spans;
        this.projection = projection;
        this.inbox = inbox;
        this.metrics = metrics;
    }

    @Incoming("task-events")
    public Uni<Void> consume(Message<List<String>> batch) {
        List<Message<?>> records = records(batch);
        List<String> payloads = batch.getPayload();
        List<EventEnvelope<EventPayload>> events = new ArrayList<>(payloads.size());
        List<Message<?>> eventRecords = new ArrayList<>(payloads.size());
        Uni<Void> deadLetters = Uni.createFrom().voidItem();
        for (int i = 0; i < payloads.size(); i++) {
            Message<?> record = records.get(i);
            try {
                events.add(EventJson.fromJson(payloads.get(i)));
                eventRecords.add(record);
            } catch (RuntimeException malformed) {
                metrics.deadLettered("malformed");
                deadLetters = deadLetters.chain(() -> deadLetter(record, malformed));
            }
        }
        return deadLetters.chain(() -> project(events, eventRecords)).onItemOrFailure().transformToUni((done, failure) -> {
            if (failure == null) {
                return Uni.createFrom().completionStage(batch::ack);
            }
            // Not expected (a dead-letter send that failed): the whole batch takes the failure path.
            Log.errorf(failure, "a batch of %d record(s) failed", payloads.size());
            return Uni.createFrom().completionStage(() -> batch.nack(failure));
        });
    }

    private Uni<Void> project(List<EventEnvelope<EventPayload>> events, List<Message<?>> eventRecords) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Each event's projection is a span of its task's trace (the record's traceparent); the batch's
        // transaction is the work of all of them.
        return spans.projectAll(events, tracing(eventRecords), () -> projection.applyAll(events))
                .invoke(() -> metrics.batch("committed"))
                .onFailure().recoverWithUni(failure -> {
                    Log.warnf("a batch of %d event(s) failed (%s); projecting them one by one", events.size(),
                            failure.toString());
                    metrics.batch("one_by_one");
                    return oneByOne(events, eventRecords);
                });
    }

    /** The batch again, an event per transaction, in order; a refused one goes to the dead-letter topic. */
    private Uni<Void> oneByOne(List<EventEnvelope<EventPayload>> events, List<Message<?>> eventRecords) {
        return Multi.createFrom().range(0, events.size()).onItem().transformToUniAndConcatenate(i -> {
            EventEnvelope<EventPayload> envelope = events.get(i);
            MDC.put("task_id", envelope.taskId());
            MDC.put("account_id", envelope.accountId());
            return spans.project(envelope, tracing(eventRecords.get(i)),
                            () -> inbox.untilCommitted(envelope, projection.apply(envelope)))
                    .onFailure().recoverWithUni(refused -> {
                        metrics.deadLettered("refused");
                        return deadLetter(eventRecords.get(i), refused);
                    });
        }).collect().last().replaceWithVoid();
    }

    private static List<Optional<TracingMetadata>> tracing(List<Message<?>> records) {
        return records.stream().map(TaskEventConsumer::tracing).toList();
    }

    private static Optional<TracingMetadata> tracing(Message<?> record) {
        return record.getMetadata(TracingMetadata.class);
    }

    private static Uni<Void> deadLetter(Message<?> record, Throwable reason) {
        return Uni.createFrom().completionStage(() -> record.nack(reason));
    }

    /**
     * The batch's records as single messages, in payload order: from Kafka, the records themselves
     * (nacking one sends it alone to the dead-letter topic, each carries its own trace); otherwise
     * (the in-memory channel of the tests) stand-ins with the batch's metadata whose nack does nothing.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static List<Message<?>> records(Message<List<String>> batch) {
        Optional<IncomingKafkaRecordBatchMetadata> kafka = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class);
        if (kafka.isPresent()) {
            return kafka.get().getBatchedMessages();
        }
        List<Message<?>> standIns = new ArrayList<>();
        batch.getPayload().forEach(payload -> standIns.add(Message.of(payload, batch.getMetadata())));
        return standIns;
    }
}
