package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a reader of one task's event stream stands: it has every event up to {@code after}. */
public record StreamCursor(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("after") long after) {
}
