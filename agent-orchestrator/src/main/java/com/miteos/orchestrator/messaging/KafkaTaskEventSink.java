package com.miteos.orchestrator.messaging;

import com.miteos.model.event.DeliverableCreated;
import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.orchestrator.agent.TaskEventSink;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes task events to {@code task.status} and {@code task.deliverable}, keyed by task id.
 * Records are handed to the producer in the order of the calls, which the idempotent producer
 * keeps per partition, so a task's events arrive in sequence order. It counts the records the
 * broker has not acknowledged yet, so that a shutdown can wait for them.
 */
@ApplicationScoped
public class KafkaTaskEventSink implements TaskEventSink {

    private final MutinyEmitter<String> status;
    private final MutinyEmitter<String> deliverables;
    private final AtomicInteger unacknowledged = new AtomicInteger();

    public KafkaTaskEventSink(@Channel("task-status") MutinyEmitter<String> status,
            @Channel("task-deliverable") MutinyEmitter<String> deliverables) {
        this.status = status;
        this.deliverables = deliverables;
    }

    @Override
    public void publish(EventEnvelope<?> event) {
        MutinyEmitter<String> emitter = event.payload() instanceof DeliverableCreated ? deliverables : status;
        Message<String> message = Message.of(EventJson.toJson(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.taskId()).build());
        unacknowledged.incrementAndGet();
        emitter.sendMessage(message)
                .onTermination().invoke(unacknowledged::decrementAndGet)
                .subscribe().with(ok -> { }, failure -> Log.errorf(failure,
                        "task %s: event %s (sequence %d) was not published", event.taskId(), event.type(),
                        event.sequence()));
    }

    /** Waits, at most {@code limit}, until the broker acknowledged every record handed over so far. */
    public boolean flush(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (unacknowledged.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return unacknowledged.get() == 0;
    }
}
