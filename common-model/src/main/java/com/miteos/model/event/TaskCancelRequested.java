package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A client asked to cancel a task. Published on {@link Topics#TASK_CANCEL}. */
public record TaskCancelRequested(
        @JsonProperty("reason") String reason) implements EventPayload {

    public static final String CLIENT_REQUEST = "client_request";

    @Override
    public String eventType() {
        return EventTypes.TASK_CANCEL_REQUESTED;
    }
}
