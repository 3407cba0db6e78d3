package com.miteos.e2e.crash;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kind of sandbox task the crash test submits: the same prompt, a number of agents and a
 * step delay. Sandbox runs are deterministic, so every task of one shape must end with exactly
 * the files and the cost of a crash-free run of that shape (its reference).
 *
 * @param name        short label for the log
 * @param prompt      the task's prompt
 * @param maxAgents   {@code config.max_agents}
 * @param stepDelayMs {@code config.sandbox.step_delay_ms}: slows every agent step down, so that
 *                    kills land while tasks are running
 * @param autonomyLevel {@code config.autonomy_level}
 * @param deployTarget  {@code config.deploy_target} with {@code auto_deploy: true}, or null for no deploy
 */
public record TaskShape(String name, String prompt, int maxAgents, int stepDelayMs, int autonomyLevel,
        String deployTarget) {

    /** Full autonomy: no task pauses for approval, so every one runs to its end on its own. */
    static final int AUTONOMY_LEVEL = 100;

    /** A shape at full autonomy without deploy: it never waits for a human. */
    public TaskShape(String name, String prompt, int maxAgents, int stepDelayMs) {
        this(name, prompt, maxAgents, stepDelayMs, AUTONOMY_LEVEL, null);
    }

    /** The three shapes the crash test uses: one, two and three agents, from fast to slow steps. */
    public static List<TaskShape> standard(String prompt) {
        return List.of(new TaskShape("solo", prompt, 1, 50), new TaskShape("pair", prompt, 2, 120),
                new TaskShape("trio", prompt, 3, 200));
    }

    /** The body of {@code POST /v1/tasks}. */
    public Map<String, Object> requestBody() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("max_agents", maxAgents);
        config.put("autonomy_level", autonomyLevel);
        config.put("auto_deploy", deployTarget != null);
        if (deployTarget != null) {
            config.put("deploy_target", deployTarget);
        }
        config.put("sandbox", Map.of("step_delay_ms", stepDelayMs));
        return Map.of("prompt", prompt, "config", config);
    }

    @Override
    public String toString() {
        return name + " (max_agents=" + maxAgents + ", step_delay_ms=" + stepDelayMs
                + (autonomyLevel == AUTONOMY_LEVEL ? "" : ", autonomy_level=" + autonomyLevel)
                + (deployTarget == null ? "" : ", deploy_target=" + deployTarget) + ")";
    }
}
