package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One agent as the API shows it: what it is, what it is doing, how far it got. */
public record AgentState(
        @JsonProperty("id") String id,
        @JsonProperty("type") String type,
        @JsonProperty("status") AgentStatus status,
        @JsonProperty("current_tool") @JsonInclude(JsonInclude.Include.ALWAYS) String currentTool,
        @JsonProperty("progress") int progress) {
}
