package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The next events of one task's stream after a {@link StreamCursor}, in id order and without
 * gaps (the first has id {@code after + 1}); at most a page of them, so a reader asks again.
 */
public record StreamEvents(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("events") List<StreamEvent> events) {

    public StreamEvents {
        events = List.copyOf(events);
    }
}
