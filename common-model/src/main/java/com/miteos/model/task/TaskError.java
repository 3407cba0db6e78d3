package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why a task failed: a stable machine-readable {@code code} and a message for people. */
public record TaskError(
        @JsonProperty("code") String code,
        @JsonProperty("message") String message) {
}
