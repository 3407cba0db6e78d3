package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.miteos.model.id.IdPrefix;
import com.miteos.model.id.Ids;
import com.miteos.model.task.Mode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What every Miteos event carries, whatever its type.
 *
 * <p>{@code sequence} orders the state of one task: {@link TaskCreated} is 0, and the
 * orchestrator, the only writer of a task's state after that, numbers its
 * {@link TaskStatusChanged} and {@link DeliverableCreated} events 1, 2, 3… per task.
 * Commands such as {@link TaskCancelRequested} or {@link TaskResumeRequested} carry 0: they change no read model directly.
 * Consumers deduplicate on {@code event_id} and never apply a sequence lower than one they
 * already applied.
 *
 * @param <P> the payload type
 */
public record EventEnvelope<P extends EventPayload>(
        @JsonProperty("event_id") String eventId,
        @JsonProperty("type") String type,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("account_id") String accountId,
        @JsonProperty("mode") Mode mode,
        @JsonProperty("sequence") long sequence,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("payload")
        @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXTERNAL_PROPERTY, property = "type")
        @JsonSubTypes({
                @JsonSubTypes.Type(value = TaskCreated.class, name = EventTypes.TASK_CREATED),
                @JsonSubTypes.Type(value = TaskCancelRequested.class, name = EventTypes.TASK_CANCEL_REQUESTED),
                @JsonSubTypes.Type(value = TaskPauseRequested.class, name = EventTypes.TASK_PAUSE_REQUESTED),
                @JsonSubTypes.Type(value = TaskResumeRequested.class, name = EventTypes.TASK_RESUME_REQUESTED),
                @JsonSubTypes.Type(value = TaskStatusChanged.class, name = EventTypes.TASK_STATUS_CHANGED),
                @JsonSubTypes.Type(value = DeliverableCreated.class, name = EventTypes.DELIVERABLE_CREATED)
        })
        P payload) {

    /** A new envelope with a fresh event id, stamped now (to the millisecond). */
    public static <P extends EventPayload> EventEnvelope<P> of(
            String taskId, String accountId, Mode mode, long sequence, P payload) {
        return new EventEnvelope<>(Ids.newId(IdPrefix.EVENT), payload.eventType(), taskId, accountId, mode, sequence,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), payload);
    }
}
