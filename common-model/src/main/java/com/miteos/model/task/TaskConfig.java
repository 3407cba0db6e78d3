package com.miteos.model.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;

/**
 * How agents run a task, with every default filled in. {@code sandbox} is present only on
 * sandbox tasks that asked for it; {@code max_cost} only when the task has a budget cap (its own,
 * else its account's default, else its account's ceiling), in credits (USD).
 */
public record TaskConfig(
        @JsonProperty("max_agents") int maxAgents,
        @JsonProperty("autonomy_level") int autonomyLevel,
        @JsonProperty("auto_deploy") boolean autoDeploy,
        @JsonProperty("deploy_target") @JsonInclude(JsonInclude.Include.ALWAYS) String deployTarget,
        @JsonProperty("sandbox") @JsonInclude(JsonInclude.Include.NON_NULL) SandboxConfig sandbox,
        @JsonProperty("max_cost") @JsonInclude(JsonInclude.Include.NON_NULL) BigDecimal maxCost) {

    public static final int DEFAULT_MAX_AGENTS = 3;
    public static final int MIN_MAX_AGENTS = 1;
    public static final int MAX_MAX_AGENTS = 10;
    public static final int DEFAULT_AUTONOMY_LEVEL = 50;
    public static final int MAX_AUTONOMY_LEVEL = 100;

    /** A config without a budget cap. */
    public TaskConfig(int maxAgents, int autonomyLevel, boolean autoDeploy, String deployTarget, SandboxConfig sandbox) {
        this(maxAgents, autonomyLevel, autoDeploy, deployTarget, sandbox, null);
    }

    /** The same config with another budget cap (null: none). */
    public TaskConfig withMaxCost(BigDecimal cap) {
        return new TaskConfig(maxAgents, autonomyLevel, autoDeploy, deployTarget, sandbox, cap);
    }

    /** The sandbox settings to run with: the requested ones, or the defaults. */
    public SandboxConfig sandboxOrDefaults() {
        return sandbox == null ? SandboxConfig.defaults() : sandbox;
    }
}
