package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.miteos.model.task.TaskConfig;

import java.time.Instant;

/** The gateway accepted a task: the orchestrator should run it. Published on {@link Topics#TASK_CREATED}. */
public record TaskCreated(
        @JsonProperty("prompt") String prompt,
        @JsonProperty("config") TaskConfig config,
        @JsonProperty("created_at") Instant createdAt) implements EventPayload {

    @Override
    public String eventType() {
        return EventTypes.TASK_CREATED;
    }
}
