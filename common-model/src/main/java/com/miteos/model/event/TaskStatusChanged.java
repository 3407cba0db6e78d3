package com.miteos.model.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The whole runtime state of a task after a change: its status, every agent, the cost so far
 * and the number of deliverables. Carrying the full state, not a delta, makes projections
 * trivially idempotent: a consumer keeps the event with the highest sequence.
 * Published on {@link Topics#TASK_STATUS}.
 */
public record TaskStatusChanged(
        @JsonProperty("status") TaskStatus status,
        @JsonProperty("agents") List<AgentState> agents,
        @JsonProperty("cost") BigDecimal cost,
        @JsonProperty("deliverables_count") int deliverablesCount,
        @JsonProperty("error") @JsonInclude(JsonInclude.Include.NON_NULL) TaskError error,
        @JsonProperty("status_detail") @JsonInclude(JsonInclude.Include.NON_NULL) StatusDetail statusDetail,
        @JsonProperty("deployment") @JsonInclude(JsonInclude.Include.NON_NULL) Deployment deployment,
        @JsonProperty("updated_at") Instant updatedAt) implements EventPayload {

    public TaskStatusChanged {
        agents = List.copyOf(agents);
    }

    @Override
    public String eventType() {
        return EventTypes.TASK_STATUS_CHANGED;
    }
}
