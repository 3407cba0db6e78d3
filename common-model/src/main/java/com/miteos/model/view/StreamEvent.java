package com.miteos.model.view;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One event of a task's public event stream ({@code GET /v1/tasks/{id}/events}) as task-service
 * keeps it and the gateway writes it out: {@code id} numbers the task's stream events 1, 2, 3…
 * without gaps, {@code type} is the SSE event name ({@code task.status}, {@code agent.updated}…)
 * and {@code data} its JSON, as text on one line, written out as it is.
 */
public record StreamEvent(
        @JsonProperty("id") long id,
        @JsonProperty("type") String type,
        @JsonProperty("data") String data) {

    public static final String TASK_STATUS = "task.status";
    public static final String AGENT_UPDATED = "agent.updated";
    public static final String DELIVERABLE_CREATED = "deliverable.created";
    public static final String APPROVAL_REQUESTED = "approval.requested";
    public static final String COST_UPDATED = "cost.updated";
    public static final String TASK_COMPLETED = "task.completed";
    public static final String TASK_FAILED = "task.failed";
    public static final String TASK_CANCELLED = "task.cancelled";

    /** Whether this event ends its task's stream (nothing comes after it). */
    public boolean isTerminal() {
        return isTerminal(type);
    }

    public static boolean isTerminal(String type) {
        return TASK_COMPLETED.equals(type) || TASK_FAILED.equals(type) || TASK_CANCELLED.equals(type);
    }
}
