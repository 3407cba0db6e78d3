package com.miteos.tasks.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskStatus;

import java.math.BigDecimal;
import java.util.List;

/**
 * What a task's event stream has told so far: the task's state after the last orchestrator event
 * turned into stream events. The next {@code TaskStatusChanged} is compared with it to find what
 * changed ({@link StreamDerivation}).
 */
public record StreamState(
        @JsonProperty("status") TaskStatus status,
        @JsonProperty("status_detail") @JsonInclude(JsonInclude.Include.NON_NULL) StatusDetail statusDetail,
        @JsonProperty("agents") List<AgentState> agents,
        @JsonProperty("cost") BigDecimal cost) {

    /** A task just accepted: pending, no agents, nothing spent. */
    public static final StreamState PENDING = new StreamState(TaskStatus.PENDING, null, List.of(), BigDecimal.ZERO);

    public StreamState {
        agents = agents == null ? List.of() : List.copyOf(agents);
        cost = cost == null ? BigDecimal.ZERO : cost;
    }
}
