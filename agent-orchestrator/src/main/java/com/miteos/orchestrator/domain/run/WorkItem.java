package com.miteos.orchestrator.domain.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One piece of a plan: the kind of agent to run and what it should do. */
public record WorkItem(
        @JsonProperty("type") String type,
        @JsonProperty("title") String title,
        @JsonProperty("instructions") String instructions) {
}
