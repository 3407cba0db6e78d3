package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A client asked to pause a task at its next step. Published on {@link Topics#TASK_CONTROL}. */
public record TaskPauseRequested(
        @JsonProperty("reason") String reason) implements EventPayload {

    public static final String CLIENT_REQUEST = "client_request";

    @Override
    public String eventType() {
        return EventTypes.TASK_PAUSE_REQUESTED;
    }
}
