package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What a paused task asks the user to approve: its plan before agents start, or a side effect
 * such as deploying. {@code POST /v1/tasks/{id}/resume} approves it.
 *
 * @param type        {@code plan} or {@code deploy}
 * @param description one sentence for people
 * @param details     the plan's work items, or the files to deploy
 * @param target      where a deploy would go
 */
public record PendingAction(
        @JsonProperty("type") String type,
        @JsonProperty("description") String description,
        @JsonProperty("details") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> details,
        @JsonProperty("target") @JsonInclude(JsonInclude.Include.NON_NULL) String target) {

    public static final String PLAN = "plan";
    public static final String DEPLOY = "deploy";

    public PendingAction {
        details = details == null ? List.of() : List.copyOf(details);
    }
}
