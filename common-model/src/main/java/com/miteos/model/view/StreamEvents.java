package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The next events of one task's stream after a {@link StreamCursor}, in id order and without
 * gaps (the first has id {@code after + 1}); at most a page of them, so a reader asks again.
 * {@code end_id} is the id of the stream's terminal event once it has one (null before): a reader
 * whose cursor is there already has the whole stream.
 */
public record StreamEvents(
        @JsonProperty("task_id") String taskId,
        @JsonProperty("events") List<StreamEvent> events,
        @JsonProperty("end_id") @JsonInclude(JsonInclude.Include.NON_NULL) Long endId) {

    public StreamEvents {
        events = List.copyOf(events);
    }
}
