package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.miteos.model.task.TaskStatus;

import java.time.Instant;

/** A task as one row of {@code GET /v1/tasks} shows it. */
public record TaskSummary(
        @JsonProperty("id") String id,
        @JsonProperty("status") TaskStatus status,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("created_at") Instant createdAt) {
}
