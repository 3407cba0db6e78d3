package com.miteos.tasks.domain;

import com.miteos.model.task.AgentState;

/**
 * The one-line summary of an agent's step in {@code agent.updated}, made from what the snapshot
 * says (status, tool, progress): the orchestrator's events carry no prose of their own.
 */
final class AgentSummary {

    private AgentSummary() {
    }

    static String of(AgentState agent) {
        String who = agent.type() == null ? "agent" : agent.type();
        String what = switch (agent.status()) {
            case QUEUED -> "is queued";
            case THINKING -> "is thinking";
            case ACTING -> agent.currentTool() == null ? "is acting" : "is running " + agent.currentTool();
            case WAITING -> "is waiting";
            case DONE -> "finished";
            case FAILED -> "failed";
            case CANCELLED -> "was cancelled";
        };
        return who + " " + what + " (" + agent.progress() + " %)";
    }
}
