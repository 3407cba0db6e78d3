package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** One page of {@code GET /v1/tasks}; {@code total} counts every matching task. */
public record TaskPage(
        @JsonProperty("tasks") List<TaskSummary> tasks,
        @JsonProperty("total") long total,
        @JsonProperty("limit") int limit,
        @JsonProperty("offset") int offset) {
}
