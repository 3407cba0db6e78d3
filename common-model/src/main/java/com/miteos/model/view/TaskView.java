package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.miteos.model.task.AgentState;
import com.miteos.model.task.Deployment;
import com.miteos.model.task.StatusDetail;
import com.miteos.model.task.TaskConfig;
import com.miteos.model.task.TaskError;
import com.miteos.model.task.TaskStatus;

import java.time.Instant;
import java.util.List;

/**
 * A task as {@code GET /v1/tasks/{id}} shows it. task-service serves it on its internal API
 * and the gateway passes it on, so both sides share this one contract.
 */
public record TaskView(
        @JsonProperty("id") String id,
        @JsonProperty("status") TaskStatus status,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("config") TaskConfig config,
        @JsonProperty("agents") List<AgentState> agents,
        @JsonProperty("cost") double cost,
        @JsonProperty("deliverables_count") int deliverablesCount,
        @JsonProperty("error") @JsonInclude(JsonInclude.Include.NON_NULL) TaskError error,
        @JsonProperty("status_detail") @JsonInclude(JsonInclude.Include.NON_NULL) StatusDetail statusDetail,
        @JsonProperty("deployment") @JsonInclude(JsonInclude.Include.NON_NULL) Deployment deployment,
        @JsonProperty("created_at") Instant createdAt,
        @JsonProperty("updated_at") Instant updatedAt) {
}
