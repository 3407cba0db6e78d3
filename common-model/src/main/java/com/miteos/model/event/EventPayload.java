package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The body of an {@link EventEnvelope}. Each implementation is one event type; its name on
 * the wire is the envelope's {@code type}.
 */
public sealed interface EventPayload
        permits TaskCreated, TaskCancelRequested, TaskPauseRequested, TaskResumeRequested, TaskStatusChanged,
        DeliverableCreated {

    /** The wire name of this event type, one of {@link EventTypes}. */
    @JsonIgnore
    String eventType();
}
