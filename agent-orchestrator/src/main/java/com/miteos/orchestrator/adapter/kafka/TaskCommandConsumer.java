package com.miteos.orchestrator.adapter.kafka;

import com.miteos.model.event.EventEnvelope;
import com.miteos.model.event.EventJson;
import com.miteos.model.event.EventPayload;
import com.miteos.model.event.TaskCancelRequested;
import com.miteos.model.event.TaskCreated;
import com.miteos.model.event.TaskPauseRequested;
import com.miteos.model.event.TaskResumeRequested;
import com.miteos.orchestrator.adapter.vertx.EventLoopRunContexts;
import com.miteos.orchestrator.application.metrics.OrchestratorMetrics;
import com.miteos.orchestrator.application.supervisor.TaskCommandHandler;
import com.miteos.orchestrator.application.tracing.TraceParents;
import io.quarkus.logging.Log;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.DatabaseException;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

import java.time.Duration;

/**
 * Reads task commands ({@code task.created}, {@code task.cancel}, {@code task.control}). A record
 * is acknowledged (and its offset may be committed) only once the command is in the
 * orchestrator's database: an accepted task, a cancel, a pause of a task not seen yet. A run is
 * launched, not awaited, and starts on an event loop other than this channel's, where every
 * record of the channel is processed one after the other ({@link EventLoopRunContexts}). A
 * command waits until the tasks of its partition are claimed here ({@link CommandPartitions}), and
 * is left unacknowledged when its partition is taken away before it is applied. A
 * record that is not a well-formed event goes to the dead-letter topic; a database that is down
 * is waited for, the command is never dropped.
 */
public class TaskCommandConsumer {

    private static final Duration RETRY_FIRST = Duration.ofMillis(200);
    private static final Duration RETRY_MAX = Duration.ofSeconds(10);

    /** The consumer group, as the dead-letter metric names it. */
    static final String GROUP = "agent-orchestrator";

    private final TaskCommandHandler commands;
    private final CommandCatchUp catchUp;
    private final OrchestratorMetrics metrics;
    private final EventLoopRunContexts runContexts;

    public TaskCommandConsumer(TaskCommandHandler commands, CommandCatchUp catchUp, OrchestratorMetrics metrics,
            EventLoopRunContexts runContexts) {
        this.commands = commands;
        this.runContexts = runContexts;
        this.catchUp = catchUp;
        this.metrics = metrics;
    }

    @Incoming("task-commands")
    public Uni<Void> consume(Message<String> record) {
        runContexts.keepForCommands(Vertx.currentContext());
        EventEnvelope<EventPayload> envelope;
        try {
            envelope = EventJson.fromJson(record.getPayload());
            requireComplete(envelope);
        } catch (RuntimeException malformed) {
            metrics.deadLettered(GROUP, "malformed");
            return Uni.createFrom().completionStage(record.nack(malformed)).invoke(() -> processed(record));
        }
        // The record's processing runs on a context of its own: what it logs names the task and its account.
        MDC.put("task_id", envelope.taskId());
        MDC.put("account_id", envelope.accountId());
        // The connector's consumer span, a child of the record's traceparent header: the task's trace.
        String traceparent = TraceParents.of(TracingMetadata.fromMessage(record)
                .map(TracingMetadata::getCurrentContext).orElseGet(Context::current));
        Integer partition = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(kafka -> kafka.getPartition()).orElse(null);
        Object assignment = commands.assignment(partition);
        return commands.ready(partition)
                .chain(() -> apply(envelope, partition, traceparent))
                .onFailure(e -> !isRefusedData(e)).invoke(e -> Log.warnf("task %s: command %s failed, retrying: %s",
                        envelope.taskId(), envelope.type(), e.toString()))
                .onFailure(e -> !isRefusedData(e)).retry().withBackOff(RETRY_FIRST, RETRY_MAX).indefinitely()
                .onItemOrFailure().transformToUni((done, refused) -> {
                    if (refused == null && !commands.stillAssigned(partition, assignment)) {
                        Log.debugf("task %s: partition %d left this instance while its %s was applied: not"
                                + " acknowledged, its next owner reads it", envelope.taskId(), partition, envelope.type());
                        return Uni.createFrom().voidItem();
                    }
                    if (refused != null) {
                        metrics.deadLettered(GROUP, "refused");
                    }
                    return Uni.createFrom().completionStage(refused != null ? record.nack(refused) : record.ack())
                            .invoke(() -> processed(record));
                });
    }

    @SuppressWarnings("unchecked")
    private Uni<Void> apply(EventEnvelope<EventPayload> envelope, Integer partition, String traceparent) {
        if (envelope.payload() instanceof TaskCreated) {
            return commands.start((EventEnvelope<TaskCreated>) (EventEnvelope<?>) envelope, partition,
                    traceparent);
        } else if (envelope.payload() instanceof TaskCancelRequested) {
            return commands.cancel(envelope.taskId());
        } else if (envelope.payload() instanceof TaskPauseRequested) {
            return commands.pause(envelope.taskId(), envelope.eventId());
        } else if (envelope.payload() instanceof TaskResumeRequested resume) {
            return commands.resume(envelope.taskId(), resume.message(), resume.maxCost(), envelope.eventId());
        }
        return Uni.createFrom().voidItem();
    }

    private void processed(Message<String> record) {
        record.getMetadata(IncomingKafkaRecordMetadata.class)
                .ifPresent(kafka -> catchUp.processed(kafka.getTopic(), kafka.getPartition(), kafka.getOffset()));
    }

    /** A command the orchestrator cannot act on goes to the dead-letter topic, not into a retry loop. */
    private static void requireComplete(EventEnvelope<EventPayload> envelope) {
        if (envelope.accountId() == null || envelope.mode() == null) {
            throw new IllegalArgumentException("a command needs account_id and mode");
        }
        if (envelope.payload() instanceof TaskCreated created
                && (created.prompt() == null || created.config() == null)) {
            throw new IllegalArgumentException("task.created needs a prompt and a config");
        }
    }

    /** What retrying cannot fix: data the database refuses (SQLSTATE class 22 or 23). */
    private static boolean isRefusedData(Throwable e) {
        return e instanceof DatabaseException db && db.getSqlState() != null
                && (db.getSqlState().startsWith("22") || db.getSqlState().startsWith("23"));
    }
}
