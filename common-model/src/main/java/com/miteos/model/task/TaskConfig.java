package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How agents run a task, with every default filled in. {@code sandbox} is present only on
 * sandbox tasks that asked for it.
 */
public record TaskConfig(
        @JsonProperty("max_agents") int maxAgents,
        @JsonProperty("autonomy_level") int autonomyLevel,
        @JsonProperty("auto_deploy") boolean autoDeploy,
        @JsonProperty("deploy_target") @JsonInclude(JsonInclude.Include.ALWAYS) String deployTarget,
        @JsonProperty("sandbox") @JsonInclude(JsonInclude.Include.NON_NULL) SandboxConfig sandbox) {

    public static final int DEFAULT_MAX_AGENTS = 3;
    public static final int MIN_MAX_AGENTS = 1;
    public static final int MAX_MAX_AGENTS = 10;
    public static final int DEFAULT_AUTONOMY_LEVEL = 50;
    public static final int MAX_AUTONOMY_LEVEL = 100;

    /** The sandbox settings to run with: the requested ones, or the defaults. */
    public SandboxConfig sandboxOrDefaults() {
        return sandbox == null ? SandboxConfig.defaults() : sandbox;
    }
}
