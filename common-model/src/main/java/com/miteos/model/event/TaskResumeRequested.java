package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;

/**
 * A client resumed a paused task, approving what it waited for; {@code message}, if any, is
 * shown to the agents; {@code max_cost}, if any, is the task's new budget cap in credits, which
 * is what lets a task paused with {@code budget_exhausted} go on. Published on
 * {@link Topics#TASK_CONTROL}.
 */
public record TaskResumeRequested(
        @JsonProperty("message") @JsonInclude(JsonInclude.Include.NON_NULL) String message,
        @JsonProperty("max_cost") @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal maxCost)
        implements EventPayload {

    /** A resume that leaves the budget cap as it is. */
    public TaskResumeRequested(String message) {
        this(message, null);
    }

    @Override
    public String eventType() {
        return EventTypes.TASK_RESUME_REQUESTED;
    }
}
