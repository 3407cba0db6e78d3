package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A client resumed a paused task, approving what it waited for; {@code message}, if any, is
 * shown to the agents. Published on {@link Topics#TASK_CONTROL}.
 */
public record TaskResumeRequested(
        @JsonProperty("message") @JsonInclude(JsonInclude.Include.NON_NULL) String message) implements EventPayload {

    @Override
    public String eventType() {
        return EventTypes.TASK_RESUME_REQUESTED;
    }
}
