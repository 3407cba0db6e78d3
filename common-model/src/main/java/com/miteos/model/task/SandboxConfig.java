package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Sandbox-only knobs ({@code config.sandbox}): slow every agent step down, and choose how
 * the run ends, so that clients can exercise every path of their integration.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SandboxConfig(
        @JsonProperty("step_delay_ms") int stepDelayMs,
        @JsonProperty("outcome") SandboxOutcome outcome) {

    public static final int MAX_STEP_DELAY_MS = 10_000;

    public static SandboxConfig defaults() {
        return new SandboxConfig(0, SandboxOutcome.COMPLETE);
    }
}
