package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;

/**
 * One agent as the API shows it: what it is, what it is doing, how far it got, and what its
 * calls cost so far ({@code cost} is absent in events of producers that predate it).
 */
public record AgentState(
        @JsonProperty("id") String id,
        @JsonProperty("type") String type,
        @JsonProperty("status") AgentStatus status,
        @JsonProperty("current_tool") @JsonInclude(JsonInclude.Include.ALWAYS) String currentTool,
        @JsonProperty("progress") int progress,
        @JsonProperty("cost") @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal cost) {
}
